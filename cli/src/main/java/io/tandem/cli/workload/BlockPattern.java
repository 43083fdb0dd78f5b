package io.tandem.cli.workload;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The data the workload writes: every block says which block, which version of it and which run (the seed) it
 * is, and the rest of it is a deterministic function of those three, so any read can be checked on its own.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                    magic "TNDMWKLD" (u64)                     |
 *  |                      block index (u64)                        |
 *  |                        version (u64), 1 for the first write   |
 *  |                          seed (u64)                           |
 *  |     fill: word i (u64) = mix(block, version, seed, i) ...     |
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian, the block length a multiple of 8 and at least {@link #HEADER_LENGTH}. A block never written reads
 * as zeroes (on a fresh volume), which {@link #check} reports as version 0.
 * <p>
 * Stateless; thread-safe. Neither {@link #fill} nor {@link #check} allocates.
 */
public final class BlockPattern
{
    public static final long MAGIC = 0x444C4B574D444E54L; // "TNDMWKLD" little-endian
    public static final int HEADER_LENGTH = 32;

    /** The block is all zeroes in its header: never written on a fresh volume. */
    public static final long UNWRITTEN = 0;
    /** The header is not a workload block. */
    public static final long NOT_A_BLOCK = -1;
    /** A workload block, of another block index: a misdirected write or read. */
    public static final long WRONG_BLOCK = -2;
    /** A workload block of another run. */
    public static final long WRONG_SEED = -3;
    /** The header is right and the rest is not what that version holds: torn or corrupt. */
    public static final long CORRUPT = -4;

    private BlockPattern()
    {
    }

    /**
     * Writes version {@code version} of block {@code block} into {@code buffer} from 0 to {@code length}.
     */
    public static void fill(
        final UnsafeBuffer buffer, final int length, final long block, final long version, final long seed)
    {
        buffer.putLong(0, MAGIC);
        buffer.putLong(8, block);
        buffer.putLong(16, version);
        buffer.putLong(24, seed);
        final long key = key(block, version, seed);
        for (int i = HEADER_LENGTH; i < length; i += 8)
        {
            buffer.putLong(i, word(key, i));
        }
    }

    /**
     * @return the version the block holds (0 if never written), or {@link #NOT_A_BLOCK}, {@link #WRONG_BLOCK},
     * {@link #WRONG_SEED} or {@link #CORRUPT}.
     */
    public static long check(final UnsafeBuffer buffer, final int length, final long block, final long seed)
    {
        final long magic = buffer.getLong(0);
        final long version = buffer.getLong(16);
        if (MAGIC != magic)
        {
            return 0 == magic && 0 == buffer.getLong(8) && 0 == version && 0 == buffer.getLong(24) ?
                UNWRITTEN : NOT_A_BLOCK;
        }
        if (buffer.getLong(8) != block)
        {
            return WRONG_BLOCK;
        }
        if (buffer.getLong(24) != seed)
        {
            return WRONG_SEED;
        }
        if (version < 1)
        {
            return NOT_A_BLOCK;
        }
        return firstBadByte(buffer, length, block, version, seed) < 0 ? version : CORRUPT;
    }

    /**
     * @return what {@link #check} found, in words, for an error report. Allocates.
     */
    public static String describe(final UnsafeBuffer buffer, final int length, final long block, final long seed)
    {
        final long result = check(buffer, length, block, seed);
        if (result >= 0)
        {
            return "version " + result;
        }
        if (NOT_A_BLOCK == result)
        {
            return "not a workload block (header " +
                String.format("%016x %016x", buffer.getLong(0), buffer.getLong(8)) + ")";
        }
        if (WRONG_BLOCK == result)
        {
            return "block " + buffer.getLong(8) + " version " + buffer.getLong(16) + " (misdirected)";
        }
        if (WRONG_SEED == result)
        {
            return "a block of another run (seed " + buffer.getLong(24) + ")";
        }
        final long version = buffer.getLong(16);
        return "version " + version + " with bad data from byte " +
            firstBadByte(buffer, length, block, version, seed) + " (torn or corrupt)";
    }

    private static int firstBadByte(
        final UnsafeBuffer buffer, final int length, final long block, final long version, final long seed)
    {
        final long key = key(block, version, seed);
        for (int i = HEADER_LENGTH; i < length; i += 8)
        {
            final long diff = buffer.getLong(i) ^ word(key, i);
            if (0 != diff)
            {
                return i + (Long.numberOfTrailingZeros(diff) >>> 3);
            }
        }
        return -1;
    }

    private static long key(final long block, final long version, final long seed)
    {
        return mix(mix(seed ^ 0x9E3779B97F4A7C15L) ^ block * 0xC2B2AE3D27D4EB4FL ^ version);
    }

    private static long word(final long key, final int offset)
    {
        return mix(key + offset * 0x9E3779B97F4A7C15L);
    }

    /**
     * The SplitMix64 finaliser: a cheap bijection that spreads every input bit over the word.
     */
    static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
