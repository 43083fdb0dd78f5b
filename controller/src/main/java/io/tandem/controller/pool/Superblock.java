package io.tandem.controller.pool;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Flyweight over the pool's superblock: who owns the pool, in which epoch, up to which LSN the pool holds every
 * write, which mirror generation a takeover may trust, and the settings both controllers must agree on.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 magic "TNDMSUPR" (8 bytes)                    |  0
 *  +---------------------------------------------------------------+
 *  |                        format version                         |  8
 *  +---------------------------------------------------------------+
 *  |        mirror state ({@link MirrorState#code()}: see there)   | 12
 *  +---------------------------------------------------------------+
 *  |                  cluster id (int64)                           | 16
 *  +---------------------------------------------------------------+
 *  |                  epoch (int64): the pool's age                | 24
 *  +---------------------------------------------------------------+
 *  |               owner controller id (-1: nobody)                | 32
 *  +---------------------------------------------------------------+
 *  |                    volume block size                          | 36
 *  +---------------------------------------------------------------+
 *  |          CP LSN (int64): every write up to it is in the pool  | 40
 *  +---------------------------------------------------------------+
 *  |                  volume size in bytes (int64)                 | 48
 *  +---------------------------------------------------------------+
 *  |                  updated at, epoch ms (int64)                 | 56
 *  +---------------------------------------------------------------+
 *  |                  update count (int64)                         | 64
 *  +---------------------------------------------------------------+
 *  |     mirror generation (int64): the one a takeover may trust   | 72
 *  +---------------------------------------------------------------+
 *  |    stripe size (int32)        |    stream count (int32)       | 80
 *  +---------------------------------------------------------------+
 *  |                  NVRAM capacity in bytes (int64)              | 88
 *  +---------------------------------------------------------------+
 *  |  heartbeat interval ms (int32) | partner stale after ms (int32)| 96
 *  +---------------------------------------------------------------+
 *  |                  CRC32C of bytes 0 to 103                     |104
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian. Format version 3 is version 2's layout with an {@link AllocationMap} beside it, in the pool's
 * {@link AllocationMapFile}, as of the CP LSN; version 2 (a pool made before maps were) has none, and every block
 * of it holds data. A version 2 pool becomes version 3 at its first consistency point. The mirror state and
 * generation say what a takeover may trust ({@link MirrorState}): in
 * {@link MirrorState#IN_SYNC IN_SYNC} the partner's mirror is trusted only if it holds the recorded generation
 * complete. The pair settings (stripe size to partner stale time) are recorded by whoever creates the pool and
 * checked by every controller that opens it ({@link PairSettings}).
 * <p>
 * Not thread-safe.
 */
public final class Superblock
{
    public static final long MAGIC = 0x525055534D444E54L; // "TNDMSUPR" read little-endian
    /** The format this build writes. */
    public static final int VERSION = 3;
    /** The oldest format this build reads: without an allocation map. */
    public static final int MIN_VERSION = 2;
    /** The first format with an allocation map. */
    public static final int MAP_VERSION = 3;

    public static final int NO_OWNER = -1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int MIRROR_STATE_OFFSET = 12;
    static final int CLUSTER_ID_OFFSET = 16;
    static final int EPOCH_OFFSET = 24;
    static final int OWNER_OFFSET = 32;
    static final int BLOCK_SIZE_OFFSET = 36;
    static final int CP_LSN_OFFSET = 40;
    static final int VOLUME_SIZE_OFFSET = 48;
    static final int UPDATED_MS_OFFSET = 56;
    static final int UPDATE_COUNT_OFFSET = 64;
    static final int MIRROR_GENERATION_OFFSET = 72;
    static final int STRIPE_SIZE_OFFSET = 80;
    static final int STREAM_COUNT_OFFSET = 84;
    static final int NVRAM_CAPACITY_OFFSET = 88;
    static final int HEARTBEAT_INTERVAL_OFFSET = 96;
    static final int PARTNER_STALE_OFFSET = 100;
    static final int CRC_OFFSET = 104;
    public static final int LENGTH = 108;

    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private DirectBuffer buffer;
    private MutableDirectBuffer mutable;

    public Superblock wrap(final DirectBuffer buffer)
    {
        this.buffer = buffer;
        this.mutable = buffer instanceof MutableDirectBuffer ? (MutableDirectBuffer)buffer : null;
        return this;
    }

    /**
     * Fills a new superblock: nobody owns the pool yet, epoch 0, nothing checkpointed, no mirror generation (the
     * pool alone holds every write: {@link MirrorState#SYNCING}).
     */
    public Superblock format(
        final long clusterId, final long volumeSize, final int blockSize, final PairSettings settings, final long nowMs)
    {
        mutable.setMemory(0, LENGTH, (byte)0);
        mutable.putLong(MAGIC_OFFSET, MAGIC, ORDER);
        mutable.putInt(VERSION_OFFSET, VERSION, ORDER);
        mutable.putLong(CLUSTER_ID_OFFSET, clusterId, ORDER);
        mutable.putInt(OWNER_OFFSET, NO_OWNER, ORDER);
        mutable.putInt(BLOCK_SIZE_OFFSET, blockSize, ORDER);
        mutable.putLong(VOLUME_SIZE_OFFSET, volumeSize, ORDER);
        mutable.putLong(UPDATED_MS_OFFSET, nowMs, ORDER);
        mutable.putInt(MIRROR_STATE_OFFSET, MirrorState.SYNCING.code(), ORDER);
        mutable.putInt(STRIPE_SIZE_OFFSET, settings.stripeSize(), ORDER);
        mutable.putInt(STREAM_COUNT_OFFSET, settings.streamCount(), ORDER);
        mutable.putLong(NVRAM_CAPACITY_OFFSET, settings.nvramCapacity(), ORDER);
        mutable.putInt(HEARTBEAT_INTERVAL_OFFSET, settings.heartbeatIntervalMs(), ORDER);
        mutable.putInt(PARTNER_STALE_OFFSET, settings.partnerStaleMs(), ORDER);
        return seal();
    }

    /**
     * Stores the CRC; call after the last change.
     */
    public Superblock seal()
    {
        mutable.putInt(CRC_OFFSET, computeCrc(), ORDER);
        return this;
    }

    public boolean isValid()
    {
        return MAGIC == magic() && crc() == computeCrc();
    }

    public long magic()
    {
        return buffer.getLong(MAGIC_OFFSET, ORDER);
    }

    public int version()
    {
        return buffer.getInt(VERSION_OFFSET, ORDER);
    }

    /**
     * @return true if the pool keeps an allocation map as of this superblock's CP LSN.
     */
    public boolean hasAllocationMap()
    {
        return version() >= MAP_VERSION;
    }

    /**
     * Says the pool keeps an allocation map from now on: format version 3.
     */
    Superblock withAllocationMap()
    {
        mutable.putInt(VERSION_OFFSET, MAP_VERSION, ORDER);
        return this;
    }

    /**
     * @return the mirror state; an unknown code reads as {@link MirrorState#STALE}, the one that trusts nothing.
     */
    public MirrorState mirrorState()
    {
        return MirrorState.of(buffer.getInt(MIRROR_STATE_OFFSET, ORDER));
    }

    public Superblock mirrorState(final MirrorState state)
    {
        mutable.putInt(MIRROR_STATE_OFFSET, state.code(), ORDER);
        return this;
    }

    /**
     * @return the mirror generation a takeover may trust while the state is {@link MirrorState#IN_SYNC}; 0 for
     * none yet.
     */
    public long mirrorGeneration()
    {
        return buffer.getLong(MIRROR_GENERATION_OFFSET, ORDER);
    }

    public Superblock mirrorGeneration(final long generation)
    {
        mutable.putLong(MIRROR_GENERATION_OFFSET, generation, ORDER);
        return this;
    }

    /**
     * @return the settings both controllers must agree on, as recorded when the pool was created.
     */
    public PairSettings pairSettings()
    {
        return new PairSettings(
            buffer.getInt(STRIPE_SIZE_OFFSET, ORDER),
            buffer.getInt(STREAM_COUNT_OFFSET, ORDER),
            buffer.getLong(NVRAM_CAPACITY_OFFSET, ORDER),
            buffer.getInt(HEARTBEAT_INTERVAL_OFFSET, ORDER),
            buffer.getInt(PARTNER_STALE_OFFSET, ORDER));
    }

    public long clusterId()
    {
        return buffer.getLong(CLUSTER_ID_OFFSET, ORDER);
    }

    public long epoch()
    {
        return buffer.getLong(EPOCH_OFFSET, ORDER);
    }

    public Superblock epoch(final long epoch)
    {
        mutable.putLong(EPOCH_OFFSET, epoch, ORDER);
        return this;
    }

    public int owner()
    {
        return buffer.getInt(OWNER_OFFSET, ORDER);
    }

    public Superblock owner(final int owner)
    {
        mutable.putInt(OWNER_OFFSET, owner, ORDER);
        return this;
    }

    public int blockSize()
    {
        return buffer.getInt(BLOCK_SIZE_OFFSET, ORDER);
    }

    public long cpLsn()
    {
        return buffer.getLong(CP_LSN_OFFSET, ORDER);
    }

    public Superblock cpLsn(final long cpLsn)
    {
        mutable.putLong(CP_LSN_OFFSET, cpLsn, ORDER);
        return this;
    }

    public long volumeSize()
    {
        return buffer.getLong(VOLUME_SIZE_OFFSET, ORDER);
    }

    public long updatedMs()
    {
        return buffer.getLong(UPDATED_MS_OFFSET, ORDER);
    }

    public Superblock updatedMs(final long updatedMs)
    {
        mutable.putLong(UPDATED_MS_OFFSET, updatedMs, ORDER);
        return this;
    }

    public long updateCount()
    {
        return buffer.getLong(UPDATE_COUNT_OFFSET, ORDER);
    }

    Superblock updateCount(final long updateCount)
    {
        mutable.putLong(UPDATE_COUNT_OFFSET, updateCount, ORDER);
        return this;
    }

    public int crc()
    {
        return buffer.getInt(CRC_OFFSET, ORDER);
    }

    int computeCrc()
    {
        final CRC32C crc = new CRC32C();
        for (int i = 0; i < CRC_OFFSET; i++)
        {
            crc.update(buffer.getByte(i));
        }
        return (int)crc.getValue();
    }

    public String toString()
    {
        return "superblock{version=" + version() + ", epoch=" + epoch() + ", owner=" + owner() + ", cpLsn=" +
            cpLsn() + ", mirror=" + mirrorState() + " generation " + mirrorGeneration() + ", volume=" + volumeSize() +
            " bytes, updates=" + updateCount() + "}";
    }
}
