package io.tandem.cli.workload;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The workload's record of acknowledged writes on disk, so that another run can check the volume later
 * ({@code tandem workload --verify-only --state-file F}) or go on writing where this one stopped.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     magic "TNDMWLST" (u64)                    |
 *  |        format version (u32)   |        block size (u32)       |
 *  |                      block count (u64)                        |
 *  |                           seed (u64)                          |
 *  | block 0: acked version (u32)  | block 0: issued version (u32) |
 *  |                              ...                              |
 *  |                  CRC32C of all of the above (u32)             |
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. Written to a temporary file, forced, then renamed over the old one, so a crash leaves the old
 * state or the new one, never half of each. A file whose CRC does not match is refused.
 * <p>
 * Stateless; thread-safe as long as two threads do not save the same path.
 */
public final class StateFile
{
    public static final long MAGIC = 0x54534C574D444E54L; // "TNDMWLST" little-endian
    public static final int FORMAT_VERSION = 1;
    public static final int HEADER_LENGTH = 32;
    private static final int CHUNK = 64 << 10;

    private StateFile()
    {
    }

    /**
     * What a state file holds.
     */
    public static final class Contents
    {
        private final int blockSize;
        private final long seed;
        private final BlockLedger ledger;

        Contents(final int blockSize, final long seed, final BlockLedger ledger)
        {
            this.blockSize = blockSize;
            this.seed = seed;
            this.ledger = ledger;
        }

        public int blockSize()
        {
            return blockSize;
        }

        public long seed()
        {
            return seed;
        }

        public BlockLedger ledger()
        {
            return ledger;
        }
    }

    public static void save(final Path path, final int blockSize, final long seed, final BlockLedger ledger)
        throws IOException
    {
        final Path parent = path.toAbsolutePath().getParent();
        final Path tmp = parent.resolve(path.getFileName() + ".tmp");
        final ByteBuffer bytes = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        try (FileChannel channel = FileChannel.open(
            tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
        {
            bytes.putLong(MAGIC).putInt(FORMAT_VERSION).putInt(blockSize).putLong(ledger.blockCount()).putLong(seed);
            for (int block = 0; block < ledger.blockCount(); block++)
            {
                if (bytes.remaining() < 8)
                {
                    writeChunk(channel, bytes, crc);
                }
                bytes.putInt(ledger.acked(block)).putInt(ledger.issued(block));
            }
            writeChunk(channel, bytes, crc);
            bytes.putInt((int)crc.getValue()).flip();
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try
        {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * @throws IOException the file cannot be read, is not a state file or is damaged (the message says which).
     */
    public static Contents load(final Path path) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(path);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        if (bytes.length < HEADER_LENGTH + 4 || MAGIC != buffer.getLong(0, ByteOrder.LITTLE_ENDIAN))
        {
            throw new IOException(path + " is not a workload state file");
        }
        final int version = buffer.getInt(8, ByteOrder.LITTLE_ENDIAN);
        if (FORMAT_VERSION != version)
        {
            throw new IOException(path + ": state file format " + version + ", this tandem reads " + FORMAT_VERSION);
        }
        final int blockSize = buffer.getInt(12, ByteOrder.LITTLE_ENDIAN);
        final long blockCount = buffer.getLong(16, ByteOrder.LITTLE_ENDIAN);
        final long seed = buffer.getLong(24, ByteOrder.LITTLE_ENDIAN);
        if (blockCount < 1 || blockCount > BlockLedger.MAX_BLOCKS || bytes.length != HEADER_LENGTH + blockCount * 8 + 4)
        {
            throw new IOException(
                path + ": " + bytes.length + " bytes do not hold " + blockCount + " blocks (truncated?)");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int)crc.getValue() != buffer.getInt(bytes.length - 4, ByteOrder.LITTLE_ENDIAN))
        {
            throw new IOException(path + ": CRC mismatch, the state file is damaged");
        }
        final BlockLedger ledger = new BlockLedger(blockCount);
        for (int block = 0; block < blockCount; block++)
        {
            final int offset = HEADER_LENGTH + block * 8;
            ledger.restore(block,
                buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN), buffer.getInt(offset + 4, ByteOrder.LITTLE_ENDIAN));
        }
        return new Contents(blockSize, seed, ledger);
    }

    private static void writeChunk(final FileChannel channel, final ByteBuffer bytes, final CRC32C crc)
        throws IOException
    {
        bytes.flip();
        crc.update(bytes.array(), 0, bytes.limit());
        while (bytes.hasRemaining())
        {
            channel.write(bytes);
        }
        bytes.clear();
    }
}
