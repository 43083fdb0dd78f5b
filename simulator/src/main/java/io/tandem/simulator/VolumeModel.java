package io.tandem.simulator;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What the clients know the volume must hold, block by block, as {@code tandem workload} keeps it: the version
 * last acknowledged, and the versions written but never acknowledged (the request failed or its connection
 * dropped), which may or may not have reached the volume. A read must return the acknowledged version, or one of
 * the unacknowledged ones newer than it, whole: any other content is a lost or torn write. A write of zeroes is a
 * version too, whose content is zeroes; a trim leaves the block undefined (any whole version, or zeroes) until
 * it is written again.
 * <p>
 * Each block's content names its block and version in a header and fills the rest with a pattern of both, so a
 * block made of pieces of two writes (torn) is told from a whole one.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class VolumeModel
{
    static final int BLOCK = 4096;
    private static final long MAGIC = 0x53494D424C4F434BL;
    private static final int MAX_UNCERTAIN = 8;

    private final long seed;
    private final long[] acked;
    private final long[] nextVersion;
    private final long[][] uncertain;
    private final int[] uncertainCount;
    private final boolean[] forgiven;
    private final boolean[] ackedZero;

    VolumeModel(final int blocks, final long seed)
    {
        this.seed = seed;
        this.acked = new long[blocks];
        this.nextVersion = new long[blocks];
        this.uncertain = new long[blocks][MAX_UNCERTAIN];
        this.uncertainCount = new int[blocks];
        this.forgiven = new boolean[blocks];
        this.ackedZero = new boolean[blocks];
    }

    /**
     * A trim of {@code block} was acknowledged: its content is undefined until it is written again.
     */
    void trimmed(final int block)
    {
        forgiven[block] = true;
    }

    /**
     * A forced takeover went ahead: the operator accepted losing what the taker's mirror lacks, so until a block
     * is written and acknowledged again, any whole version of it ever written (or zeroes) is acceptable. Torn
     * blocks still are not, and every write acknowledged from now on is held to the promise.
     */
    void forgiveAll()
    {
        java.util.Arrays.fill(forgiven, true);
    }

    int blocks()
    {
        return acked.length;
    }

    long newVersion(final int block)
    {
        return ++nextVersion[block];
    }

    /**
     * {@code version} of {@code block} was acknowledged; {@code zero} if it was a write of zeroes.
     */
    void acked(final int block, final long version, final boolean zero)
    {
        forgiven[block] = false;
        if (version > acked[block])
        {
            acked[block] = version;
            ackedZero[block] = zero;
        }
        int kept = 0;
        for (int i = 0; i < uncertainCount[block]; i++)
        {
            if (Math.abs(uncertain[block][i]) > acked[block])
            {
                uncertain[block][kept++] = uncertain[block][i];
            }
        }
        uncertainCount[block] = kept;
    }

    /**
     * {@code version} of {@code block} may or may not have reached the volume; {@code zero} if it was a write of
     * zeroes.
     */
    void uncertain(final int block, final long version, final boolean zero)
    {
        if (version <= acked[block])
        {
            return;
        }
        if (uncertainCount[block] == MAX_UNCERTAIN)
        {
            System.arraycopy(uncertain[block], 1, uncertain[block], 0, MAX_UNCERTAIN - 1);
            uncertainCount[block]--;
        }
        uncertain[block][uncertainCount[block]++] = zero ? -version : version;
    }

    long ackedVersion(final int block)
    {
        return acked[block];
    }

    /**
     * Fills {@code dst} (one block, from 0 to its capacity) with the content of {@code version} of {@code block}.
     */
    void fill(final int block, final long version, final ByteBuffer dst)
    {
        dst.clear();
        dst.putLong(0, MAGIC ^ block);
        dst.putLong(8, version);
        for (int i = 16; i < BLOCK; i += 8)
        {
            dst.putLong(i, pattern(block, version, i));
        }
    }

    /**
     * @return null if {@code data} is an acceptable content of {@code block}, else what is wrong with it.
     */
    String check(final int block, final ByteBuffer data)
    {
        final long version = versionOf(block, data);
        if (version < 0)
        {
            return "block " + block + " is torn or foreign (" + describe(block, data) + "), acknowledged version " +
                acked[block];
        }
        if (forgiven[block] && version <= nextVersion[block])
        {
            return null;
        }
        if (0 == version)
        {
            if (0 == acked[block] || ackedZero[block])
            {
                return null;
            }
            for (int i = 0; i < uncertainCount[block]; i++)
            {
                if (uncertain[block][i] < 0)
                {
                    return null;
                }
            }
        }
        else
        {
            if (version == acked[block] && !ackedZero[block])
            {
                return null;
            }
            for (int i = 0; i < uncertainCount[block]; i++)
            {
                if (uncertain[block][i] == version)
                {
                    return null;
                }
            }
        }
        return "block " + block + " reads " + (0 == version ? "zeroes" : "version " + version) +
            ", acknowledged version " + acked[block] + (ackedZero[block] ? " (zeroes)" : "") +
            (0 != version && version < acked[block] || 0 == version ? ": an acknowledged write was lost" :
            ": a version never written") + "; unacknowledged versions " +
            Arrays.toString(Arrays.copyOf(uncertain[block], uncertainCount[block])) + " (negative: zeroes)";
    }

    /**
     * @return the version a whole block holds (0 for zeroes), or -1 if it is not one whole version of this block.
     */
    private long versionOf(final int block, final ByteBuffer data)
    {
        if (0 == data.getLong(0) && 0 == data.getLong(8))
        {
            for (int i = 16; i < BLOCK; i += 8)
            {
                if (0 != data.getLong(i))
                {
                    return -1;
                }
            }
            return 0;
        }
        if (data.getLong(0) != (MAGIC ^ block))
        {
            return -1;
        }
        final long version = data.getLong(8);
        for (int i = 16; i < BLOCK; i += 8)
        {
            if (data.getLong(i) != pattern(block, version, i))
            {
                return -1;
            }
        }
        return version;
    }

    private String describe(final int block, final ByteBuffer data)
    {
        return "header block " + (data.getLong(0) ^ MAGIC) + " version " + data.getLong(8);
    }

    private long pattern(final int block, final long version, final int offset)
    {
        long x = seed ^ (block * 0x9E3779B97F4A7C15L) ^ (version * 0xC2B2AE3D27D4EB4FL) ^ offset;
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        return x;
    }
}
