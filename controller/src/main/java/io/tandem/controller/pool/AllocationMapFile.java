package io.tandem.controller.pool;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The pool's {@link AllocationMap} on disk, as of a consistency point: a file of two slots, written in turn, so
 * that the slot the superblock's CP LSN names is never the one being overwritten.
 * <pre>
 *  slot (each {@link #slotLength()} bytes, slot 1 right after slot 0), little-endian:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 magic "TNDMAMAP" (8 bytes)                    |  0
 *  +---------------------------------------------------------------+
 *  |                  sequence (int64): grows by one a write       |  8
 *  +---------------------------------------------------------------+
 *  |       CP LSN (int64): the map as of this LSN's CP             | 16
 *  +---------------------------------------------------------------+
 *  |                  block count (int64)                          | 24
 *  +---------------------------------------------------------------+
 *  |        block size (int32)     |  CRC32C of bytes 0-35 + words  | 32
 *  +---------------------------------------------------------------+
 *  |  words: {@link AllocationMap} word count x int64               | 40
 * </pre>
 * A slot is valid if its magic, geometry and CRC are right. The map of the pool is the valid slot whose CP LSN is
 * the superblock's (the higher sequence if both are); the next write goes to the other slot. A crash while a slot
 * is written leaves the other one, which the superblock still names: a CP writes its map, forced, before it records
 * its CP LSN, and both under the superblock's lock ({@link Ownership#recordCheckpoint}), so a fenced controller
 * never writes it.
 * <p>
 * Thread-safe: its methods are synchronized; writes come under the superblock's lock besides.
 */
public final class AllocationMapFile
{
    public static final String FILE_NAME = "allocation-map";
    public static final long MAGIC = 0x50414D414D444E54L; // "TNDMAMAP" read little-endian

    static final int MAGIC_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 8;
    static final int CP_LSN_OFFSET = 16;
    static final int BLOCK_COUNT_OFFSET = 24;
    static final int BLOCK_SIZE_OFFSET = 32;
    static final int CRC_OFFSET = 36;
    static final int WORDS_OFFSET = 40;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final Path file;
    private final int blockSize;
    private final long blockCount;
    private final int wordCount;
    private final int slotLength;
    private final ByteBuffer slot;
    private final UnsafeBuffer slotBuffer;

    public AllocationMapFile(final Path dir, final int blockSize, final long blockCount)
    {
        this.file = dir.resolve(FILE_NAME);
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.wordCount = AllocationMap.wordCount(blockCount);
        this.slotLength = WORDS_OFFSET + 8 * wordCount;
        this.slot = ByteBuffer.allocate(slotLength).order(ORDER);
        this.slotBuffer = new UnsafeBuffer(slot);
    }

    public Path file()
    {
        return file;
    }

    public int slotLength()
    {
        return slotLength;
    }

    public boolean exists()
    {
        return Files.exists(file);
    }

    /**
     * Writes a new file: slot 0 holds {@code map} as of {@code cpLsn}, slot 1 nothing valid. Forced.
     */
    public synchronized void create(final AllocationMap map, final long cpLsn) throws IOException
    {
        final long[] words = new long[wordCount];
        map.copyTo(words);
        try (FileChannel channel = FileChannel.open(file, CREATE, WRITE, READ))
        {
            channel.truncate(0);
            writeSlot(channel, 0, 1, cpLsn, words);
            final ByteBuffer empty = ByteBuffer.allocate(slotLength);
            while (empty.hasRemaining())
            {
                channel.write(empty, slotLength + empty.position());
            }
            channel.force(true);
        }
    }

    /**
     * Reads the map as of {@code cpLsn} into {@code map}.
     *
     * @throws PoolFormatException if no valid slot holds the map as of {@code cpLsn}: the pool is damaged, and
     *                             serving it could return stale data where zeroes were written.
     */
    public synchronized void load(final long cpLsn, final AllocationMap map) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, READ))
        {
            final int current = currentSlot(channel, cpLsn);
            if (current < 0)
            {
                throw new PoolFormatException(file, "no allocation map as of CP LSN " + cpLsn +
                    " (the superblock's): the map is missing or damaged");
            }
            readSlot(channel, current);
            final long[] words = new long[wordCount];
            for (int i = 0; i < wordCount; i++)
            {
                words[i] = slotBuffer.getLong(WORDS_OFFSET + 8 * i, ORDER);
            }
            map.copyFrom(words);
        }
    }

    /**
     * Writes {@code words} as the map as of {@code cpLsn} into the slot that does not hold the map as of
     * {@code currentCpLsn} (the superblock's now), and forces it. The caller then records {@code cpLsn}.
     */
    public synchronized void write(final long[] words, final long cpLsn, final long currentCpLsn) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, CREATE, WRITE, READ))
        {
            final int current = currentSlot(channel, currentCpLsn);
            final long sequence = current < 0 ? 1 : sequenceOf(channel, current) + 1;
            writeSlot(channel, current < 0 ? 0 : 1 - current, sequence, cpLsn, words);
            channel.force(true);
        }
    }

    /**
     * @return the valid slot holding the map as of {@code cpLsn}, the newer if both do; -1 if neither.
     */
    private int currentSlot(final FileChannel channel, final long cpLsn) throws IOException
    {
        int best = -1;
        long bestSequence = Long.MIN_VALUE;
        for (int index = 0; index < 2; index++)
        {
            if (readSlot(channel, index) && cpLsn == slotBuffer.getLong(CP_LSN_OFFSET, ORDER))
            {
                final long sequence = slotBuffer.getLong(SEQUENCE_OFFSET, ORDER);
                if (sequence > bestSequence)
                {
                    best = index;
                    bestSequence = sequence;
                }
            }
        }
        return best;
    }

    private long sequenceOf(final FileChannel channel, final int index) throws IOException
    {
        readSlot(channel, index);
        return slotBuffer.getLong(SEQUENCE_OFFSET, ORDER);
    }

    /**
     * Reads slot {@code index} into the slot buffer.
     *
     * @return true if it is valid.
     */
    private boolean readSlot(final FileChannel channel, final int index) throws IOException
    {
        slot.clear();
        final long position = (long)index * slotLength;
        while (slot.hasRemaining())
        {
            if (channel.read(slot, position + slot.position()) < 0)
            {
                return false;
            }
        }
        return MAGIC == slotBuffer.getLong(MAGIC_OFFSET, ORDER) &&
            blockCount == slotBuffer.getLong(BLOCK_COUNT_OFFSET, ORDER) &&
            blockSize == slotBuffer.getInt(BLOCK_SIZE_OFFSET, ORDER) &&
            slotBuffer.getInt(CRC_OFFSET, ORDER) == crc();
    }

    private void writeSlot(
        final FileChannel channel, final int index, final long sequence, final long cpLsn, final long[] words)
        throws IOException
    {
        slotBuffer.putLong(MAGIC_OFFSET, MAGIC, ORDER);
        slotBuffer.putLong(SEQUENCE_OFFSET, sequence, ORDER);
        slotBuffer.putLong(CP_LSN_OFFSET, cpLsn, ORDER);
        slotBuffer.putLong(BLOCK_COUNT_OFFSET, blockCount, ORDER);
        slotBuffer.putInt(BLOCK_SIZE_OFFSET, blockSize, ORDER);
        for (int i = 0; i < wordCount; i++)
        {
            slotBuffer.putLong(WORDS_OFFSET + 8 * i, words[i], ORDER);
        }
        slotBuffer.putInt(CRC_OFFSET, crc(), ORDER);
        slot.clear();
        final long position = (long)index * slotLength;
        while (slot.hasRemaining())
        {
            channel.write(slot, position + slot.position());
        }
    }

    private int crc()
    {
        final CRC32C crc = new CRC32C();
        crc.update(slot.array(), 0, CRC_OFFSET);
        crc.update(slot.array(), WORDS_OFFSET, slotLength - WORDS_OFFSET);
        return (int)crc.getValue();
    }
}
