package io.tandem.primary.pool;

import java.io.IOException;

/**
 * Fencing by age: who may write the pool. Whoever takes ownership bumps the superblock's epoch; a controller
 * that finds an epoch newer than its own has been fenced and must stop serving and write nothing more.
 * <p>
 * Thread-safe, as the {@link SuperblockStore} is.
 */
public final class Ownership
{
    private final SuperblockStore superblocks;

    public Ownership(final SuperblockStore superblocks)
    {
        this.superblocks = superblocks;
    }

    /**
     * Takes the pool for {@code controllerId}: the epoch goes up by one and the controller becomes the owner.
     *
     * @return the new epoch.
     */
    public long take(final int controllerId) throws IOException
    {
        return superblocks.update(superblock ->
        {
            superblock.epoch(superblock.epoch() + 1).owner(controllerId);
            return true;
        }).epoch();
    }

    /**
     * Hands the pool to {@code partnerId} (giveback): the epoch goes up and the partner owns it, unless the
     * caller was fenced meanwhile.
     *
     * @return the new epoch, or -1 if the pool's epoch is no longer {@code epoch}.
     */
    public long handOver(final long epoch, final int partnerId) throws IOException
    {
        final long[] handed = {-1};
        superblocks.update(superblock ->
        {
            if (superblock.epoch() != epoch)
            {
                return false;
            }
            superblock.epoch(epoch + 1).owner(partnerId);
            handed[0] = epoch + 1;
            return true;
        });
        return handed[0];
    }

    /**
     * Resumes ownership at start-up if this controller owns the pool in the epoch on record; no epoch change.
     *
     * @return true if {@code controllerId} owns the pool now.
     */
    public boolean owns(final int controllerId, final long epoch) throws IOException
    {
        final Superblock superblock = superblocks.read();
        return superblock.owner() == controllerId && superblock.epoch() == epoch;
    }

    /**
     * @return true if the pool's epoch is newer than {@code epoch}: the caller was fenced.
     */
    public boolean isFenced(final long epoch) throws IOException
    {
        return superblocks.read().epoch() > epoch;
    }

    /**
     * Records a consistency point, unless the caller was fenced meanwhile.
     *
     * @return true if it was recorded; false if the pool's epoch is no longer {@code epoch}.
     */
    public boolean recordCheckpoint(final long epoch, final long cpLsn) throws IOException
    {
        final boolean[] recorded = new boolean[1];
        superblocks.update(superblock ->
        {
            if (superblock.epoch() != epoch)
            {
                return false;
            }
            superblock.cpLsn(Math.max(cpLsn, superblock.cpLsn()));
            recorded[0] = true;
            return true;
        });
        return recorded[0];
    }

    /**
     * Marks the mirror stale (the owner acknowledged writes its partner does not hold) or in sync again.
     *
     * @return true if it was recorded; false if the caller was fenced.
     */
    public boolean recordMirrorState(final long epoch, final int mirrorState) throws IOException
    {
        final boolean[] recorded = new boolean[1];
        superblocks.update(superblock ->
        {
            if (superblock.epoch() != epoch)
            {
                return false;
            }
            superblock.mirrorState(mirrorState);
            recorded[0] = true;
            return true;
        });
        return recorded[0];
    }
}
