package io.tandem.raid;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over the header in the first block of every member: which array it belongs to, its place in it, and
 * the array's age when it was last written. The age counts the array's changes of membership (a member failed,
 * pulled, added, rebuilt); every member still in the array is rewritten at each, so a member that comes back with
 * a lower age than the others missed writes, and assembly rebuilds it instead of trusting it.
 * <pre>
 *   0  magic "TNDMRAID"          8  version            12 level             16 width
 *   20 block size                24 chunk blocks       28 slot (-1: spare)  32 array id (int64)
 *   40 member data blocks (int64)                      48 age (int64)
 *   56 this member's rebuild position, in stripes (int64)
 *   64 the state of every slot as of this age, a byte each (32 bytes)
 *   96 the generation of the lost-chunk journal (int64): entries of another generation are void
 *   104 CRC32C of bytes 0 to 103
 * </pre>
 * Little-endian. Not thread-safe.
 */
public final class MemberHeader
{
    public static final long MAGIC = 0x444941524D444E54L; // "TNDMRAID" read little-endian
    public static final int VERSION = 1;
    public static final int SPARE_SLOT = -1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int LEVEL_OFFSET = 12;
    static final int WIDTH_OFFSET = 16;
    static final int BLOCK_SIZE_OFFSET = 20;
    static final int CHUNK_BLOCKS_OFFSET = 24;
    static final int SLOT_OFFSET = 28;
    static final int ARRAY_ID_OFFSET = 32;
    static final int MEMBER_DATA_BLOCKS_OFFSET = 40;
    static final int AGE_OFFSET = 48;
    static final int REBUILD_POSITION_OFFSET = 56;
    static final int SLOT_STATES_OFFSET = 64;
    static final int JOURNAL_GENERATION_OFFSET = SLOT_STATES_OFFSET + ArrayGeometry.MAX_WIDTH;
    static final int CRC_OFFSET = JOURNAL_GENERATION_OFFSET + 8;
    public static final int LENGTH = CRC_OFFSET + 4;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final CRC32C crc = new CRC32C();
    private final byte[] crcScratch = new byte[CRC_OFFSET];
    private MutableDirectBuffer buffer;

    public MemberHeader wrap(final MutableDirectBuffer buffer)
    {
        this.buffer = buffer;
        return this;
    }

    /**
     * Writes the whole header and its checksum.
     */
    public MemberHeader fill(
        final long arrayId,
        final ArrayGeometry geometry,
        final int slot,
        final long age,
        final long rebuildPosition,
        final MemberState[] slotStates,
        final long journalGeneration)
    {
        buffer.setMemory(0, LENGTH, (byte)0);
        buffer.putLong(MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putInt(VERSION_OFFSET, VERSION, ORDER);
        buffer.putInt(LEVEL_OFFSET, geometry.level().ordinal(), ORDER);
        buffer.putInt(WIDTH_OFFSET, geometry.width(), ORDER);
        buffer.putInt(BLOCK_SIZE_OFFSET, geometry.blockSize(), ORDER);
        buffer.putInt(CHUNK_BLOCKS_OFFSET, geometry.chunkBlocks(), ORDER);
        buffer.putInt(SLOT_OFFSET, slot, ORDER);
        buffer.putLong(ARRAY_ID_OFFSET, arrayId, ORDER);
        buffer.putLong(MEMBER_DATA_BLOCKS_OFFSET, geometry.memberDataBlocks(), ORDER);
        buffer.putLong(AGE_OFFSET, age, ORDER);
        buffer.putLong(REBUILD_POSITION_OFFSET, rebuildPosition, ORDER);
        for (int i = 0; i < slotStates.length; i++)
        {
            buffer.putByte(SLOT_STATES_OFFSET + i, (byte)slotStates[i].code());
        }
        buffer.putLong(JOURNAL_GENERATION_OFFSET, journalGeneration, ORDER);
        buffer.putInt(CRC_OFFSET, computeCrc(), ORDER);
        return this;
    }

    /**
     * @return null if the header is sound, else what is wrong with it.
     */
    public String problem()
    {
        if (buffer.getLong(MAGIC_OFFSET, ORDER) != MAGIC)
        {
            return "not a tandem array member (no member header)";
        }
        if (buffer.getInt(VERSION_OFFSET, ORDER) != VERSION)
        {
            return "member header version " + buffer.getInt(VERSION_OFFSET, ORDER) + ", expected " + VERSION;
        }
        if (buffer.getInt(CRC_OFFSET, ORDER) != computeCrc())
        {
            return "member header checksum mismatch (torn or corrupt header)";
        }
        final int level = buffer.getInt(LEVEL_OFFSET, ORDER);
        if (level < 0 || level >= RaidLevel.values().length)
        {
            return "unknown RAID level " + level;
        }
        return null;
    }

    public ArrayGeometry geometry()
    {
        return new ArrayGeometry(RaidLevel.values()[buffer.getInt(LEVEL_OFFSET, ORDER)],
            buffer.getInt(WIDTH_OFFSET, ORDER), buffer.getInt(BLOCK_SIZE_OFFSET, ORDER),
            buffer.getInt(CHUNK_BLOCKS_OFFSET, ORDER), buffer.getLong(MEMBER_DATA_BLOCKS_OFFSET, ORDER));
    }

    public int slot()
    {
        return buffer.getInt(SLOT_OFFSET, ORDER);
    }

    public long arrayId()
    {
        return buffer.getLong(ARRAY_ID_OFFSET, ORDER);
    }

    public long age()
    {
        return buffer.getLong(AGE_OFFSET, ORDER);
    }

    public long rebuildPosition()
    {
        return buffer.getLong(REBUILD_POSITION_OFFSET, ORDER);
    }

    public long journalGeneration()
    {
        return buffer.getLong(JOURNAL_GENERATION_OFFSET, ORDER);
    }

    public MemberState slotState(final int slot)
    {
        return MemberState.of(buffer.getByte(SLOT_STATES_OFFSET + slot));
    }

    private int computeCrc()
    {
        buffer.getBytes(0, crcScratch);
        crc.reset();
        crc.update(crcScratch, 0, CRC_OFFSET);
        return (int)crc.getValue();
    }
}
