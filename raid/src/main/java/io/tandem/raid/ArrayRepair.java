package io.tandem.raid;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An array's repairs, beside its I/O: rebuilding a member (stripe by stripe, or in runs of
 * {@link RebuildBatch#STRIPES} when every other member is whole; only the regions the write-intent bitmap marks
 * for a member that came back), scrubbing (every stripe's parity or copies checked against its data, repaired),
 * and the resync of the regions a crashed owner had writes in flight in. Counts what each moved.
 * <p>
 * Thread-safe as its array: a stripe is repaired under its lock; one rebuild runs at a time.
 */
final class ArrayRepair
{
    private final RaidArray array;
    private final ArrayGeometry geometry;
    private final Member[] slots;
    private final WriteIntentBitmap bitmap;
    private volatile long rebuiltStripes;
    private volatile long skippedStripes;
    private volatile long resyncedStripes;
    private volatile long mismatchedStripes;
    private volatile boolean scrubbing;
    private volatile long scrubPosition;
    private volatile long scrubMismatches;
    /** The rebuild's batch space: one rebuild runs at a time, under all the locks of its batch. */
    private RebuildBatch rebuildBatch;
    private long rebuildBytesAtStart;

    ArrayRepair(final RaidArray array)
    {
        this.array = array;
        this.geometry = array.geometry;
        this.slots = array.slots;
        this.bitmap = array.bitmap;
    }

    long rebuiltStripes()
    {
        return rebuiltStripes;
    }

    long skippedStripes()
    {
        return skippedStripes;
    }

    long resyncedStripes()
    {
        return resyncedStripes;
    }

    long mismatchedStripes()
    {
        return mismatchedStripes;
    }

    /**
     * A member's rebuild starts now: its duration and bytes are counted from here.
     */
    void rebuildStarted()
    {
        rebuildBytesAtStart = rebuiltStripes * geometry.chunkBytes();
    }

    /**
     * Makes every region the write-intent bitmap marks consistent again: P and Q computed from the data, or the
     * first copy of a mirror written to the others. After a crash of the array's owner, before or beside the
     * replay of its NVLog (a stripe at a time, under the stripe's lock, so it may run beside client writes).
     *
     * @return stripes resynced.
     */
    long resyncDirtyRegions() throws IOException
    {
        long done = 0;
        final StripeScratch s = array.scratch.get();
        for (int region = 0; region < bitmap.regions(); region++)
        {
            if (!bitmap.dirty(region))
            {
                continue;
            }
            final long first = region * bitmap.regionStripes();
            final long end = Math.min(geometry.stripeCount(), first + bitmap.regionStripes());
            for (long stripe = first; stripe < end; stripe++)
            {
                resyncStripe(stripe, s);
                done++;
            }
            if (!array.degraded())
            {
                bitmap.cleanRegion(region, array.bitmapWriter);
            }
        }
        resyncedStripes += done;
        return done;
    }

    private void resyncStripe(final long stripe, final StripeScratch s) throws IOException
    {
        final int length = geometry.chunkBytes();
        synchronized (array.lockOf(stripe))
        {
            if (geometry.level() == RaidLevel.RAID1)
            {
                // the first copy that reads is the one the others are made to agree with
                int source = -1;
                for (int slot = 0; slot < slots.length && source < 0; slot++)
                {
                    source = array.tryRead(slot, stripe, 0, s.view(slot, length)) ? slot : -1;
                }
                if (source < 0)
                {
                    throw array.lost(stripe);
                }
                for (int slot = source + 1; slot < slots.length; slot++)
                {
                    if (array.tryRead(slot, stripe, 0, s.view(slot, length)))
                    {
                        s.present[slot] = true;
                        rewriteIfDiffers(stripe, slot, s.columns[source], s, length);
                    }
                }
                return;
            }
            array.loadAndSolve(stripe, 0, geometry.chunkBlocks(), s);
            Parity.syndromes(s.data, geometry.dataMembers(), 0, length, s.p,
                geometry.level() == RaidLevel.RAID6 ? s.q : null);
            // most marked stripes agree already (the bitmap marks regions, and writes complete): write only those
            // that do not
            rewriteIfDiffers(stripe, geometry.parityMember(stripe), s.p, s, length);
            if (geometry.level() == RaidLevel.RAID6)
            {
                rewriteIfDiffers(stripe, geometry.qMember(stripe), s.q, s, length);
            }
        }
    }

    private void rewriteIfDiffers(
        final long stripe, final int slot, final byte[] syndrome, final StripeScratch s, final int length)
        throws IOException
    {
        if (!s.present[slot] || !java.util.Arrays.equals(syndrome, 0, length, s.columns[slot], 0, length))
        {
            array.writeColumn(stripe, slot, syndrome, 0, 0, geometry.chunkBlocks());
            mismatchedStripes++;
        }
    }

    /**
     * Rebuilds up to {@code maxStripes} stripes of the first rebuilding member from the others.
     *
     * @return stripes rebuilt; 0 if nothing is rebuilding (or the array cannot rebuild: too many lost).
     */
    int rebuildStep(final int maxStripes) throws IOException
    {
        final int slot = array.rebuildingSlot();
        if (slot < 0 || geometry.level() == RaidLevel.RAID0)
        {
            return 0;
        }
        final Member member = slots[slot];
        int done = 0;
        while (done < maxStripes && member.state() == MemberState.REBUILDING)
        {
            final long stripe = member.rebuildPosition();
            if (stripe >= geometry.stripeCount())
            {
                finishRebuild(slot, member);
                break;
            }
            if (member.dirtyRegionsOnly() && !bitmap.dirty(bitmap.regionOf(stripe)))
            {
                skipCleanRegion(member, stripe);
                continue;
            }
            final int count = batchable(slot, stripe, maxStripes - done);
            if (count > 1 ? !rebuildStripes(slot, member, stripe, count) : !rebuildStripe(slot, member, stripe))
            {
                break;
            }
            done += count;
            if ((stripe + count) / RaidArray.HEADER_SAVE_INTERVAL != stripe / RaidArray.HEADER_SAVE_INTERVAL)
            {
                synchronized (array.stateLock)
                {
                    array.saveHeaders();
                }
            }
        }
        return done;
    }

    /**
     * Starts a scrub (or starts it again from stripe 0): every stripe read, its parity or mirror copies checked
     * against its data, and those that disagree written again, a step at a time ({@link #scrubStep(int)}).
     */
    void startScrub()
    {
        scrubMismatches = 0;
        scrubPosition = 0;
        scrubbing = geometry.level() != RaidLevel.RAID0;
    }

    boolean scrubbing()
    {
        return scrubbing;
    }

    /**
     * @return the stripe the scrub has reached.
     */
    long scrubPosition()
    {
        return scrubPosition;
    }

    /**
     * @return stripes the scrub under way (or the last one) found disagreeing and wrote again.
     */
    long scrubMismatches()
    {
        return scrubMismatches;
    }

    /**
     * Checks up to {@code maxStripes} stripes of a scrub under way; a degraded array waits (nothing to compare a
     * lost member with).
     *
     * @return stripes checked.
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    int scrubStep(final int maxStripes) throws IOException
    {
        if (!scrubbing || array.degraded())
        {
            return 0;
        }
        final StripeScratch s = array.scratch.get();
        int done = 0;
        while (done < maxStripes && scrubPosition < geometry.stripeCount())
        {
            final long before = mismatchedStripes;
            resyncStripe(scrubPosition, s);
            scrubMismatches += mismatchedStripes - before;
            scrubPosition++;
            done++;
        }
        if (scrubPosition >= geometry.stripeCount())
        {
            scrubbing = false;
        }
        return done;
    }

    private void skipCleanRegion(final Member member, final long stripe)
    {
        final long next = Math.min(geometry.stripeCount(), (bitmap.regionOf(stripe) + 1L) * bitmap.regionStripes());
        // the stripes' locks are taken in turn so that no write to them is half done when the position passes them
        // a write marks its region before it takes its stripe's lock: a region found dirty under the lock is
        // left to the rebuild; one still clean there may be passed, as a later write to it includes the member
        final int region = bitmap.regionOf(stripe);
        long skipped = 0;
        for (long s = stripe; s < next; s++)
        {
            synchronized (array.lockOf(s))
            {
                if (member.rebuildPosition() != s || bitmap.dirty(region))
                {
                    break;
                }
                member.rebuildPosition(s + 1);
                skipped++;
            }
        }
        skippedStripes += skipped;
    }

    /**
     * @return how many stripes from {@code stripe} the rebuild of {@code slot} may take in one batch (one read per
     *         member, one write): up to {@link RebuildBatch#STRIPES}, within the member's dirty region when only those
     *         are rebuilt, and 1 unless every other member is whole.
     */
    private int batchable(final int slot, final long stripe, final int budget)
    {
        long count = Math.min(Math.min(budget, RebuildBatch.STRIPES), geometry.stripeCount() - stripe);
        if (slots[slot].dirtyRegionsOnly())
        {
            count = Math.min(count, (bitmap.regionOf(stripe) + 1L) * bitmap.regionStripes() - stripe);
        }
        for (int other = 0; other < slots.length && count > 1; other++)
        {
            if (other != slot && (slots[other].state() != MemberState.ACTIVE || null == slots[other].device()))
            {
                count = 1;
            }
        }
        return (int)Math.max(1, count);
    }

    /**
     * Rebuilds {@code count} stripes from {@code stripe} at once, under their locks (all of them when the batch spans
     * every lock; the rebuild is the only taker of more than one, so the order cannot deadlock).
     */
    private boolean rebuildStripes(final int slot, final Member member, final long stripe, final int count)
        throws IOException
    {
        return withLocks(stripe, Math.min(count, RaidArray.STRIPE_LOCKS), () ->
        {
            if (member.state() != MemberState.REBUILDING || member.rebuildPosition() != stripe)
            {
                return false;
            }
            final RebuildBatch batch = rebuildBatch();
            final int length = count * geometry.chunkBytes();
            for (int other = 0; other < slots.length; other++)
            {
                if (other != slot)
                {
                    try
                    {
                        slots[other].device().read(geometry.memberBlock(stripe, 0), batch.column(other, length));
                    }
                    catch (final IOException | RuntimeException ex)
                    {
                        array.memberFailed(other, slots[other], false, "read error: " + ex.getMessage(), ex);
                        return false;
                    }
                }
            }
            batch.compute(slot, stripe, count);
            try
            {
                member.device().write(geometry.memberBlock(stripe, 0), batch.column(slot, length));
            }
            catch (final IOException | RuntimeException ex)
            {
                array.memberFailed(slot, member, true, "write error while rebuilding: " + ex.getMessage(), ex);
                return false;
            }
            member.rebuildPosition(stripe + count);
            rebuiltStripes += count;
            return true;
        });
    }

    private RebuildBatch rebuildBatch()
    {
        if (null == rebuildBatch)
        {
            rebuildBatch = new RebuildBatch(geometry);
        }
        return rebuildBatch;
    }

    private boolean withLocks(final long stripe, final int locks, final LockedStep step) throws IOException
    {
        if (0 == locks)
        {
            return step.run();
        }
        synchronized (array.lockOf(stripe))
        {
            return withLocks(stripe + 1, locks - 1, step);
        }
    }

    @FunctionalInterface
    private interface LockedStep
    {
        boolean run() throws IOException;
    }

    private boolean rebuildStripe(final int slot, final Member member, final long stripe) throws IOException
    {
        final int length = geometry.chunkBytes();
        synchronized (array.lockOf(stripe))
        {
            if (member.state() != MemberState.REBUILDING || member.rebuildPosition() != stripe)
            {
                return false;
            }
            final StripeScratch s = array.scratch.get();
            final byte[] column;
            if (geometry.level() == RaidLevel.RAID1)
            {
                column = s.columns[slot];
                array.readMirrored(stripe, 0, s.view(slot, length));
            }
            else
            {
                array.loadAndSolve(stripe, 0, geometry.chunkBlocks(), s);
                final int role = geometry.dataIndexOfMember(stripe, slot);
                if (role >= 0)
                {
                    column = s.data[role];
                }
                else
                {
                    Parity.syndromes(s.data, geometry.dataMembers(), 0, length, s.p,
                        geometry.level() == RaidLevel.RAID6 ? s.q : null);
                    column = role == -1 ? s.p : s.q;
                }
            }
            try
            {
                member.device().write(geometry.memberBlock(stripe, 0), ByteBuffer.wrap(column, 0, length));
            }
            catch (final IOException | RuntimeException ex)
            {
                array.memberFailed(slot, member, true, "write error while rebuilding: " + ex.getMessage(), ex);
                return false;
            }
            member.rebuildPosition(stripe + 1);
        }
        rebuiltStripes++;
        return true;
    }

    private void finishRebuild(final int slot, final Member member) throws IOException
    {
        member.device().flush();
        synchronized (array.stateLock)
        {
            final long ms = Math.max(1, (array.clock.nanoTime() - member.rebuildStartNs()) / 1_000_000);
            final long bytes = rebuiltStripes * geometry.chunkBytes() - rebuildBytesAtStart;
            member.state(MemberState.ACTIVE, "rebuilt in " + ms + " ms, " + bytes + " bytes at " +
                bytes / 1000 / ms + " MB/s");
            array.journalGeneration++; // whole again: no journalled chunk may be trusted over it
            array.changed(slot, member, MemberState.REBUILDING);
        }
    }
}
