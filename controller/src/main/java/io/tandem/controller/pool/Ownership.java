package io.tandem.controller.pool;

import java.io.IOException;

/**
 * Fencing by age: who may write the pool. Whoever takes ownership bumps the superblock's epoch; a controller
 * that finds an epoch newer than its own has been fenced and must stop serving and write nothing more.
 * <p>
 * Every change is a compare-and-set under the pool lock ({@link SuperblockStore#update}): taking the pool
 * names the (epoch, owner, mirror state, generation) the caller decided on, and is refused if any moved since,
 * so a decision made on a superblock read a moment ago can never act on a newer one.
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
     * Takes the pool for {@code controllerId} if it is still as {@code expected} shows it (epoch, owner, mirror
     * state and generation): the epoch goes up by one and the controller becomes the owner. The mirror state
     * and generation stay: taking the pool changes who writes it, not what holds the acknowledged writes.
     *
     * @return the new epoch, or -1 if the pool moved since {@code expected} was read.
     */
    public long take(final int controllerId, final Superblock expected) throws IOException
    {
        final long epoch = expected.epoch();
        final int owner = expected.owner();
        final MirrorState state = expected.mirrorState();
        final long generation = expected.mirrorGeneration();
        final long[] taken = {-1};
        superblocks.update(superblock ->
        {
            if (superblock.epoch() != epoch || superblock.owner() != owner || superblock.mirrorState() != state ||
                superblock.mirrorGeneration() != generation)
            {
                return false;
            }
            superblock.epoch(epoch + 1).owner(controllerId);
            taken[0] = epoch + 1;
            return true;
        });
        return taken[0];
    }

    /**
     * Starts a new mirror generation after a consistency point that put every acknowledged write in the pool
     * (a resync): the epoch goes up, and the pool alone vouches for the acknowledged writes
     * ({@link MirrorState#SYNCING}) until the partner holds the new generation.
     *
     * @return the new epoch, which names the new generation, or -1 if the caller was fenced.
     */
    public long startGeneration(final int controllerId, final long epoch) throws IOException
    {
        final long[] taken = {-1};
        superblocks.update(superblock ->
        {
            if (superblock.epoch() != epoch || superblock.owner() != controllerId)
            {
                return false;
            }
            superblock.epoch(epoch + 1).mirrorState(MirrorState.SYNCING).mirrorGeneration(0);
            taken[0] = epoch + 1;
            return true;
        });
        return taken[0];
    }

    /**
     * Hands the pool to {@code partnerId} (giveback), after a consistency point that put every acknowledged write
     * in the pool with writes refused: the epoch goes up and the partner owns it, unless the caller was fenced
     * meanwhile. The partner serves at the new epoch as it is (no second take); the caller keeps its own epoch,
     * which the new one fences.
     * <p>
     * The mirror state stays (IN_SYNC, a generation the partner holds and the caller does not), though the pool
     * holds everything: recorded SYNCING, it let the caller, just turned secondary, take the pool back from a
     * partner whose role change (no heartbeats, no paths yet) outlasted the staleness limit. It is the partner's
     * own start that records SYNCING, heartbeating by then.
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
     * @return true if {@code controllerId} owns the pool in {@code epoch}.
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
     * Records a consistency point, unless the caller was fenced meanwhile: first the allocation map as of
     * {@code cpLsn} ({@code map}, words as {@link AllocationMap#copyTo} gave them) into the slot of
     * {@code mapFile} the superblock does not name, forced, then {@code cpLsn} in the superblock, both under the
     * superblock's lock, so a fenced controller writes neither. A pool without a map (format 2) gets one here. A
     * {@code cpLsn} below the recorded one changes nothing: the map of the recorded one stays.
     *
     * @return true if it was recorded; false if the pool's epoch is no longer {@code epoch}.
     */
    public boolean recordCheckpoint(
        final long epoch, final long cpLsn, final AllocationMapFile mapFile, final long[] map) throws IOException
    {
        final boolean[] recorded = new boolean[1];
        superblocks.update(superblock ->
        {
            if (superblock.epoch() != epoch)
            {
                return false;
            }
            recorded[0] = true;
            if (cpLsn < superblock.cpLsn())
            {
                return false;
            }
            mapFile.write(map, cpLsn, superblock.hasAllocationMap() ? superblock.cpLsn() : Long.MIN_VALUE);
            superblock.cpLsn(cpLsn).withAllocationMap();
            return true;
        });
        return recorded[0];
    }

    /**
     * Records what the mirror can be trusted with: {@link MirrorState#IN_SYNC} with the generation the partner
     * holds complete, {@link MirrorState#STALE} before acknowledging a write from the owner's NVLog alone, or
     * {@link MirrorState#SYNCING} once the pool holds every acknowledged write.
     *
     * @param generation the generation vouched for with IN_SYNC; ignored (recorded as 0) otherwise.
     * @return true if it was recorded; false if the caller was fenced.
     */
    public boolean recordMirrorState(final long epoch, final MirrorState state, final long generation)
        throws IOException
    {
        final boolean[] recorded = new boolean[1];
        superblocks.update(superblock ->
        {
            if (superblock.epoch() != epoch)
            {
                return false;
            }
            superblock.mirrorState(state).mirrorGeneration(MirrorState.IN_SYNC == state ? generation : 0);
            recorded[0] = true;
            return true;
        });
        return recorded[0];
    }
}
