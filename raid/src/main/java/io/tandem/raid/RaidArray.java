package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;
import org.agrona.BufferUtil;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

/**
 * A redundant array of member block devices that is itself a {@link BlockDevice}, so arrays compose (RAID-10 is a
 * RAID-0 over RAID-1 arrays). Layout: {@link ArrayGeometry}; membership on disk: {@link MemberHeader}.
 * <p>
 * A member that fails an I/O is failed at once (its error counted and its reason kept) and the array carries on
 * degraded while redundancy is left: reads rebuild the lost chunk from the others, writes update the rest of the
 * stripe so that the lost chunk stays recoverable. Only when more members are lost than the level allows does an
 * I/O fail. A hot spare takes the slot of the first member to fail and is rebuilt, stripe by stripe, by whoever
 * calls {@link #rebuildStep(int)} (a {@link RebuildAgent}); stripes below its position are read and written like
 * any member's, the rest are left to the rebuild.
 * <p>
 * Writes to a parity array update a stripe under that stripe's lock: the rows written, the other data chunks'
 * same rows (read, or rebuilt when their member is lost), then P and Q computed whole from the data, never from the
 * old parity, so a stripe left torn by a crash is made consistent by writing it again. A write covering a whole
 * stripe reads nothing.
 * <p>
 * Thread-safe: I/O from many threads; a stripe is updated by one at a time; membership changes under one lock.
 */
public final class RaidArray implements BlockDevice
{
    private static final int STRIPE_LOCKS = ArrayGeometry.JOURNAL_SLOTS;
    private static final int HEADER_SAVE_INTERVAL = 64;

    private final long arrayId;
    private final ArrayGeometry geometry;
    private final int blockSize;
    private final Member[] slots;
    private final List<Member> spares = new ArrayList<>();
    private final List<Member> retired = new ArrayList<>();
    private final Object stateLock = new Object();
    private final Object[] stripeLocks = new Object[STRIPE_LOCKS];
    private final ThreadLocal<StripeScratch> scratch;
    private final MemberHeader header = new MemberHeader();
    private final ByteBuffer headerBlock;
    private final ArrayListener listener;
    private final StripeJournal journal;
    private final WriteIntentBitmap bitmap;
    private final WriteIntentBitmap.Writer bitmapWriter = this::writeBitmapBlock;
    private long age;
    private volatile long journalGeneration;
    private volatile long journalled;
    private volatile long journalReplays;
    private volatile long skippedStripes;
    private volatile long resyncedStripes;
    private volatile long clientWrites;
    private volatile long mismatchedStripes;
    private volatile boolean scrubbing;
    /** The rebuild's batch space: one rebuild runs at a time, under all the locks of its batch. */
    private RebuildBatch rebuildBatch;
    private volatile NanoClock clock = SystemNanoClock.INSTANCE;
    private long rebuildBytesAtStart;
    private volatile long scrubPosition;
    private volatile long scrubMismatches;
    private volatile long degradedReads;
    private volatile long rebuiltStripes;

    RaidArray(
        final long arrayId,
        final ArrayGeometry geometry,
        final Member[] slots,
        final List<Member> spares,
        final long age,
        final long journalGeneration,
        final ArrayListener listener)
    {
        this.arrayId = arrayId;
        this.geometry = geometry;
        this.blockSize = geometry.blockSize();
        this.slots = slots;
        this.spares.addAll(spares);
        this.age = age;
        this.journalGeneration = journalGeneration;
        this.journal = new StripeJournal(geometry);
        this.bitmap = new WriteIntentBitmap(geometry);
        this.listener = null == listener ? ArrayListener.NONE : listener;
        for (int i = 0; i < STRIPE_LOCKS; i++)
        {
            stripeLocks[i] = new Object();
        }
        this.scratch = ThreadLocal.withInitial(() -> new StripeScratch(geometry));
        this.headerBlock = BufferUtil.allocateDirectAligned(blockSize, 4096);
        header.wrap(new UnsafeBuffer(headerBlock));
    }

    public long arrayId()
    {
        return arrayId;
    }

    public ArrayGeometry geometry()
    {
        return geometry;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public long blockCount()
    {
        return geometry.capacityBlocks();
    }

    /**
     * @return the array's age: how many membership changes it has seen.
     */
    public long age()
    {
        synchronized (stateLock)
        {
            return age;
        }
    }

    /**
     * @return the member in each slot, in slot order (a snapshot of the references; each member's state is live).
     */
    public Member[] members()
    {
        synchronized (stateLock)
        {
            return slots.clone();
        }
    }

    public List<Member> spares()
    {
        synchronized (stateLock)
        {
            return List.copyOf(spares);
        }
    }

    /**
     * @return members that left the array (failed and replaced by a spare, or replaced by command).
     */
    public List<Member> retired()
    {
        synchronized (stateLock)
        {
            return List.copyOf(retired);
        }
    }

    /**
     * @return slots whose member does not hold every stripe (failed, missing or still rebuilding).
     */
    public int lostMembers()
    {
        int lost = 0;
        for (final Member member : members())
        {
            lost += member.state() == MemberState.ACTIVE && null != member.device() ? 0 : 1;
        }
        return lost;
    }

    public boolean degraded()
    {
        return lostMembers() > 0;
    }

    /**
     * @return true if some stripe cannot be read: more members lost than the level allows.
     */
    public boolean failed()
    {
        return lostMembers() > geometry.level().redundancy(geometry.width());
    }

    public long degradedReads()
    {
        return degradedReads;
    }

    public long rebuiltStripes()
    {
        return rebuiltStripes;
    }

    /**
     * @return degraded partial-stripe updates whose lost chunks were journalled first ({@link StripeJournal}).
     */
    public long journalled()
    {
        return journalled;
    }

    /**
     * @return stripes whose parity (or mirror copy) disagreed with their data when resynced or scrubbed, and was
     *         written again.
     */
    public long mismatchedStripes()
    {
        return mismatchedStripes;
    }

    /**
     * @return writes made to the array (any thread); a rebuild slows down while it moves.
     */
    public long clientWrites()
    {
        return clientWrites;
    }

    /**
     * @return stripes a rebuild skipped because the write-intent bitmap said they were not written while the
     *         member was away.
     */
    public long skippedStripes()
    {
        return skippedStripes;
    }

    /**
     * @return stripes made consistent by {@link #resyncDirtyRegions()}.
     */
    public long resyncedStripes()
    {
        return resyncedStripes;
    }

    /**
     * @return regions the write-intent bitmap marks as possibly differing between members.
     */
    public int dirtyRegions()
    {
        return bitmap.dirtyCount();
    }

    public int regionCount()
    {
        return bitmap.regions();
    }

    /**
     * @return journal entries applied at assembly: stripes a crash left torn while degraded, made consistent.
     */
    public long journalReplays()
    {
        return journalReplays;
    }

    public void read(final long blockIndex, final ByteBuffer dst) throws IOException
    {
        checkRange(blockIndex, dst.remaining());
        final int limit = dst.limit();
        long block = blockIndex;
        try
        {
            while (dst.hasRemaining())
            {
                final long stripe = stripeOf(block);
                final long within = block - stripe * geometry.stripeDataBlocks();
                final int dataIndex = (int)(within / geometry.chunkBlocks());
                final int row = (int)(within % geometry.chunkBlocks());
                final int rows = (int)Math.min(dst.remaining() / blockSize, geometry.chunkBlocks() - row);
                dst.limit(dst.position() + rows * blockSize);
                readRows(stripe, dataIndex, row, rows, dst);
                dst.limit(limit);
                block += rows;
            }
        }
        finally
        {
            dst.limit(limit);
        }
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void write(final long blockIndex, final ByteBuffer src) throws IOException
    {
        checkRange(blockIndex, src.remaining());
        clientWrites++; // a count that moves is all the rebuild's throttle needs: races may lose an increment
        final int limit = src.limit();
        long block = blockIndex;
        try
        {
            while (src.hasRemaining())
            {
                final long stripe = stripeOf(block);
                final long within = block - stripe * geometry.stripeDataBlocks();
                final int count = (int)Math.min(src.remaining() / blockSize, geometry.stripeDataBlocks() - within);
                src.limit(src.position() + count * blockSize);
                if (geometry.level() != RaidLevel.RAID0)
                {
                    try
                    {
                        bitmap.mark(stripe, bitmapWriter);
                    }
                    catch (final UncheckedIOException ex)
                    {
                        throw ex.getCause();
                    }
                }
                switch (geometry.level())
                {
                    case RAID1:
                        writeMirrored(stripe, (int)within, src);
                        break;
                    case RAID0:
                        writeStriped(stripe, (int)within, src);
                        break;
                    default:
                        writeStripe(stripe, (int)within, count, src);
                }
                src.limit(limit);
                block += count;
            }
        }
        finally
        {
            src.limit(limit);
        }
    }

    public void flush() throws IOException
    {
        for (int slot = 0; slot < slots.length; slot++)
        {
            final Member member = slots[slot];
            final BlockDevice device = member.device();
            if (null != device && (member.state() == MemberState.ACTIVE || member.state() == MemberState.REBUILDING))
            {
                try
                {
                    device.flush();
                }
                catch (final IOException ex)
                {
                    memberFailed(slot, member, true, "flush failed: " + ex.getMessage(), ex);
                }
            }
        }
        checkNotFailed();
    }

    /**
     * Clears the write-intent bitmap's bits of regions not written since the last time, if the array is whole.
     */
    public void settled() throws IOException
    {
        if (!degraded())
        {
            try
            {
                bitmap.clean(bitmapWriter);
            }
            catch (final UncheckedIOException ex)
            {
                throw ex.getCause();
            }
        }
    }

    /**
     * Makes every region the write-intent bitmap marks consistent again: P and Q computed from the data, or the
     * first copy of a mirror written to the others. After a crash of the array's owner, before or beside the
     * replay of its NVLog (a stripe at a time, under the stripe's lock, so it may run beside client writes).
     *
     * @return stripes resynced.
     */
    public long resyncDirtyRegions() throws IOException
    {
        long done = 0;
        final StripeScratch s = scratch.get();
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
            if (!degraded())
            {
                bitmap.cleanRegion(region, bitmapWriter);
            }
        }
        resyncedStripes += done;
        return done;
    }

    private void resyncStripe(final long stripe, final StripeScratch s) throws IOException
    {
        final int length = geometry.chunkBytes();
        synchronized (lockOf(stripe))
        {
            if (geometry.level() == RaidLevel.RAID1)
            {
                int source = -1;
                for (int slot = 0; slot < slots.length && source < 0; slot++)
                {
                    source = slots[slot].holds(stripe) ? slot : -1;
                }
                if (source < 0)
                {
                    throw lost(stripe);
                }
                readMirrored(stripe, 0, s.view(source, length));
                for (int slot = 0; slot < slots.length; slot++)
                {
                    if (slot != source && slots[slot].holds(stripe))
                    {
                        s.present[slot] = true;
                        try
                        {
                            slots[slot].device().read(geometry.memberBlock(stripe, 0), s.view(slot, length));
                        }
                        catch (final IOException | RuntimeException ex)
                        {
                            memberFailed(slot, slots[slot], false, "read error: " + ex.getMessage(), ex);
                            continue;
                        }
                        rewriteIfDiffers(stripe, slot, s.columns[source], s, length);
                    }
                }
                return;
            }
            loadAndSolve(stripe, 0, geometry.chunkBlocks(), s);
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
            writeColumn(stripe, slot, syndrome, 0, 0, geometry.chunkBlocks());
            mismatchedStripes++;
        }
    }

    private void writeBitmapBlock(final int index, final ByteBuffer block)
    {
        try
        {
            writeBitmapBlockOrThrow(index, block);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void writeBitmapBlockOrThrow(final int index, final ByteBuffer block) throws IOException
    {
        for (int slot = 0; slot < slots.length; slot++)
        {
            final Member member = slots[slot];
            final BlockDevice device = member.device();
            if (null != device &&
                (member.state() == MemberState.ACTIVE || member.state() == MemberState.REBUILDING))
            {
                try
                {
                    block.clear();
                    device.write(geometry.bitmapBlock() + index, block);
                }
                catch (final IOException | RuntimeException ex)
                {
                    memberFailed(slot, member, true, "bitmap write error: " + ex.getMessage(), ex);
                }
            }
        }
    }

    /**
     * Loads the write-intent bitmap from the first member that has one to give (at assembly).
     */
    void loadBitmap() throws IOException
    {
        for (final Member member : slots)
        {
            if (null != member.device() && member.state() == MemberState.ACTIVE)
            {
                bitmap.load(member.device());
                return;
            }
        }
    }

    /**
     * Fails slot {@code slot}'s member by command, as an I/O error would: the array goes on degraded, and a spare,
     * if there is one, takes the slot.
     */
    public void fail(final int slot, final String reason)
    {
        synchronized (stateLock)
        {
            final Member member = slots[checkSlot(slot)];
            fail(slot, member, false, reason);
        }
    }

    /**
     * Takes slot {@code slot}'s member out as a pulled disk: nothing more is read from or written to it, its
     * device is closed, and the slot is {@link MemberState#MISSING} until a member is added to it.
     *
     * @return the member pulled, whose device may be given back with {@link #add}.
     */
    public Member pull(final int slot)
    {
        synchronized (stateLock)
        {
            final Member member = slots[checkSlot(slot)];
            final MemberState from = member.state();
            final BlockDevice device = member.device();
            member.state(MemberState.MISSING, "pulled");
            member.device(null);
            quietClose(device);
            changed(slot, member, from);
            return member;
        }
    }

    /**
     * Adds {@code device}: into the first slot that has lost its member (as {@link MemberState#REBUILDING} from
     * stripe 0, or from its own recorded position if it is this array's member that left in that slot at this
     * age), else as a spare.
     *
     * @return the slot it went into, or {@link MemberHeader#SPARE_SLOT}.
     */
    public int add(final String name, final BlockDevice device) throws IOException
    {
        checkDevice(name, device);
        final int returning = slotLeftBy(device);
        synchronized (stateLock)
        {
            if (returning >= 0 && slots[returning].state() == MemberState.MISSING)
            {
                final Member member = new Member(name, device, MemberState.REBUILDING, 0);
                member.dirtyRegionsOnly(true);
                installRebuilding(returning, member, slots[returning], "returned: resyncing the regions written " +
                    "while it was away");
                return returning;
            }
            for (int slot = 0; slot < slots.length; slot++)
            {
                final Member old = slots[slot];
                if (old.state() == MemberState.FAILED || old.state() == MemberState.MISSING)
                {
                    installRebuilding(slot, new Member(name, device, MemberState.REBUILDING, 0), old, "added");
                    return slot;
                }
            }
            final Member spare = new Member(name, device, MemberState.SPARE, 0);
            spares.add(spare);
            age++;
            saveHeaders();
            listener.memberChanged(MemberHeader.SPARE_SLOT, spare, null, age);
            return MemberHeader.SPARE_SLOT;
        }
    }

    /**
     * @return the slot {@code device} held in this array, if its header says so, else -1.
     */
    private int slotLeftBy(final BlockDevice device) throws IOException
    {
        final ByteBuffer block = BufferUtil.allocateDirectAligned(blockSize, 4096);
        device.read(0, block);
        final MemberHeader found = new MemberHeader().wrap(new UnsafeBuffer(block));
        return null == found.problem() && found.arrayId() == arrayId && found.slot() >= 0 &&
            found.slot() < slots.length && found.age() <= age() ? found.slot() : -1;
    }

    /**
     * Replaces slot {@code slot}'s member with {@code device}, which is then rebuilt; the old member leaves the
     * array and its device is closed. Redundancy is lost until the rebuild ends, as when the old one fails.
     */
    public void replace(final int slot, final String name, final BlockDevice device) throws IOException
    {
        checkDevice(name, device);
        synchronized (stateLock)
        {
            final Member old = slots[checkSlot(slot)];
            quietClose(old.device());
            old.device(null);
            old.state(MemberState.FAILED, "replaced by " + name);
            installRebuilding(slot, new Member(name, device, MemberState.REBUILDING, 0), old, "replaced");
        }
    }

    /**
     * Finishes assembly or creation: spares take the slots of lost members, and every header is written at a new
     * age.
     */
    void assembled()
    {
        synchronized (stateLock)
        {
            for (int slot = 0; slot < slots.length && !spares.isEmpty(); slot++)
            {
                final Member member = slots[slot];
                if (member.state() == MemberState.FAILED || member.state() == MemberState.MISSING)
                {
                    installRebuilding(slot, spares.remove(0), member, "spare for " + fileName(member.name()));
                }
            }
            age++;
            saveHeaders();
        }
    }

    /**
     * Rebuilds up to {@code maxStripes} stripes of the first rebuilding member from the others.
     *
     * @return stripes rebuilt; 0 if nothing is rebuilding (or the array cannot rebuild: too many lost).
     */
    public int rebuildStep(final int maxStripes) throws IOException
    {
        final int slot = rebuildingSlot();
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
            if ((stripe + count) / HEADER_SAVE_INTERVAL != stripe / HEADER_SAVE_INTERVAL)
            {
                synchronized (stateLock)
                {
                    saveHeaders();
                }
            }
        }
        return done;
    }

    /**
     * Starts a scrub (or starts it again from stripe 0): every stripe read, its parity or mirror copies checked
     * against its data, and those that disagree written again, a step at a time ({@link #scrubStep(int)}).
     */
    public void startScrub()
    {
        scrubMismatches = 0;
        scrubPosition = 0;
        scrubbing = geometry.level() != RaidLevel.RAID0;
    }

    public boolean scrubbing()
    {
        return scrubbing;
    }

    /**
     * @return the stripe the scrub has reached.
     */
    public long scrubPosition()
    {
        return scrubPosition;
    }

    /**
     * @return stripes the scrub under way (or the last one) found disagreeing and wrote again.
     */
    public long scrubMismatches()
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
    public int scrubStep(final int maxStripes) throws IOException
    {
        if (!scrubbing || degraded())
        {
            return 0;
        }
        final StripeScratch s = scratch.get();
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

    /**
     * @return the slot of the first member being rebuilt, or -1.
     */
    public int rebuildingSlot()
    {
        for (int slot = 0; slot < slots.length; slot++)
        {
            if (slots[slot].state() == MemberState.REBUILDING && null != slots[slot].device())
            {
                return slot;
            }
        }
        return -1;
    }

    public void close() throws IOException
    {
        IOException first = null;
        synchronized (stateLock)
        {
            final List<Member> all = new ArrayList<>(List.of(slots));
            all.addAll(spares);
            for (final Member member : all)
            {
                try
                {
                    if (null != member.device())
                    {
                        member.device().close();
                    }
                }
                catch (final IOException ex)
                {
                    first = null == first ? ex : first;
                }
            }
        }
        if (null != first)
        {
            throw first;
        }
    }

    public String toString()
    {
        return "array " + Long.toHexString(arrayId) + ": " + geometry;
    }

    private void readRows(final long stripe, final int dataIndex, final int row, final int rows, final ByteBuffer dst)
        throws IOException
    {
        if (geometry.level() == RaidLevel.RAID1)
        {
            readMirrored(stripe, row, dst);
            return;
        }
        final int slot = geometry.dataMember(stripe, dataIndex);
        final Member member = slots[slot];
        final int start = dst.position();
        if (member.holds(stripe))
        {
            try
            {
                member.device().read(geometry.memberBlock(stripe, row), dst);
                return;
            }
            catch (final IOException | RuntimeException ex)
            {
                memberFailed(slot, member, false, "read error: " + ex.getMessage(), ex);
                dst.position(start);
            }
        }
        synchronized (lockOf(stripe))
        {
            final StripeScratch s = scratch.get();
            loadAndSolve(stripe, row, rows, s);
            dst.put(s.data[dataIndex], 0, rows * blockSize);
        }
        degradedReads++;
    }

    private void readMirrored(final long stripe, final int row, final ByteBuffer dst) throws IOException
    {
        final int start = dst.position();
        for (int slot = 0; slot < slots.length; slot++)
        {
            final Member member = slots[slot];
            if (member.holds(stripe))
            {
                try
                {
                    member.device().read(geometry.memberBlock(stripe, row), dst);
                    return;
                }
                catch (final IOException | RuntimeException ex)
                {
                    memberFailed(slot, member, false, "read error: " + ex.getMessage(), ex);
                    dst.position(start);
                }
            }
        }
        throw lost(stripe);
    }

    private void writeMirrored(final long stripe, final int row, final ByteBuffer src) throws IOException
    {
        final int start = src.position();
        int written = 0;
        for (int slot = 0; slot < slots.length; slot++)
        {
            final Member member = slots[slot];
            if (member.holds(stripe))
            {
                try
                {
                    src.position(start);
                    member.device().write(geometry.memberBlock(stripe, row), src);
                    written++;
                }
                catch (final IOException | RuntimeException ex)
                {
                    memberFailed(slot, member, true, "write error: " + ex.getMessage(), ex);
                }
            }
        }
        if (written == 0)
        {
            throw lost(stripe);
        }
        src.position(src.limit());
    }

    private void writeStriped(final long stripe, final int within, final ByteBuffer src) throws IOException
    {
        final int limit = src.limit();
        int offset = within;
        while (src.hasRemaining())
        {
            final int dataIndex = offset / geometry.chunkBlocks();
            final int row = offset % geometry.chunkBlocks();
            final int rows = Math.min(src.remaining() / blockSize, geometry.chunkBlocks() - row);
            final Member member = slots[dataIndex];
            if (!member.holds(stripe))
            {
                throw lost(stripe);
            }
            src.limit(src.position() + rows * blockSize);
            try
            {
                member.device().write(geometry.memberBlock(stripe, row), src);
            }
            catch (final IOException | RuntimeException ex)
            {
                memberFailed(dataIndex, member, true, "write error: " + ex.getMessage(), ex);
                throw lost(stripe);
            }
            finally
            {
                src.limit(limit);
            }
            offset += rows;
        }
    }

    private void writeStripe(final long stripe, final int within, final int count, final ByteBuffer src)
        throws IOException
    {
        final int chunk = geometry.chunkBlocks();
        final int firstData = within / chunk;
        final int lastData = (within + count - 1) / chunk;
        final int row0 = firstData == lastData ? within % chunk : 0;
        final int row1 = firstData == lastData ? row0 + count : chunk;
        final int rows = row1 - row0;
        final int length = rows * blockSize;
        synchronized (lockOf(stripe))
        {
            final StripeScratch s = scratch.get();
            if (within == 0 && count == geometry.stripeDataBlocks())
            {
                s.mapData(geometry, stripe); // a full stripe: nothing to read
            }
            else
            {
                loadAndSolve(stripe, row0, rows, s);
            }
            final int base = src.position();
            for (int k = 0; k < count; k++)
            {
                final int dataIndex = (within + k) / chunk;
                final int row = (within + k) % chunk;
                src.get(base + k * blockSize, s.data[dataIndex], (row - row0) * blockSize, blockSize);
            }
            Parity.syndromes(s.data, geometry.dataMembers(), 0, length, s.p,
                geometry.level() == RaidLevel.RAID6 ? s.q : null);
            final int lost = lostData(stripe);
            if (lost != 0 && !(within == 0 && count == geometry.stripeDataBlocks()))
            {
                journalLost(stripe, row0, rows, lost, s);
            }
            // the stripe as it must be is now in scratch: write it to every member that holds it; a member that
            // fails meanwhile is failed and the rest still get their part, so the stripe stays recoverable
            for (int dataIndex = firstData; dataIndex <= lastData; dataIndex++)
            {
                final int from = dataIndex == firstData ? within % chunk : 0;
                final int to = dataIndex == lastData ? (within + count - 1) % chunk + 1 : chunk;
                writeColumn(stripe, geometry.dataMember(stripe, dataIndex), s.data[dataIndex],
                    (from - row0) * blockSize, from, to - from);
            }
            writeColumn(stripe, geometry.parityMember(stripe), s.p, 0, row0, rows);
            if (geometry.level() == RaidLevel.RAID6)
            {
                writeColumn(stripe, geometry.qMember(stripe), s.q, 0, row0, rows);
            }
            src.position(base + count * blockSize);
        }
        checkNotFailed();
    }

    /**
     * @return bits, by data index, of the data chunks of {@code stripe} whose members do not hold it.
     */
    private int lostData(final long stripe)
    {
        int lost = 0;
        for (int i = 0; i < geometry.dataMembers(); i++)
        {
            if (!slots[geometry.dataMember(stripe, i)].holds(stripe))
            {
                lost |= 1 << i;
            }
        }
        return lost;
    }

    private void journalLost(final long stripe, final int row, final int rows, final int lost, final StripeScratch s)
        throws IOException
    {
        final int length = journal.encode(s, journalGeneration, stripe, row, rows, lost);
        final long block = geometry.journalBlock((int)(stripe % STRIPE_LOCKS));
        for (int slot = 0; slot < slots.length; slot++)
        {
            final Member member = slots[slot];
            if (member.holds(stripe))
            {
                try
                {
                    member.device().write(block, s.journal.limit(length).position(0));
                }
                catch (final IOException | RuntimeException ex)
                {
                    memberFailed(slot, member, true, "journal write error: " + ex.getMessage(), ex);
                }
            }
        }
        journalled++;
    }

    /**
     * Applies what the lost-chunk journal holds of the current generation: each stripe a crash may have left
     * torn while degraded gets P and Q written again from its data and its journalled lost chunks. At assembly,
     * before any I/O.
     */
    void replayJournal() throws IOException
    {
        final StripeScratch s = scratch.get();
        for (int journalSlot = 0; journalSlot < STRIPE_LOCKS; journalSlot++)
        {
            for (int slot = 0; slot < slots.length; slot++)
            {
                final Member member = slots[slot];
                final BlockDevice device = member.device();
                if (null == device ||
                    (member.state() != MemberState.ACTIVE && member.state() != MemberState.REBUILDING))
                {
                    continue;
                }
                if (journal.read(device, journalSlot, journalGeneration, s))
                {
                    applyJournal(s);
                    break;
                }
            }
        }
    }

    private void applyJournal(final StripeScratch s) throws IOException
    {
        final long stripe = journal.stripe(s);
        final int lost = journal.lost(s);
        if (lostData(stripe) != lost)
        {
            return; // a member the entry counted lost holds the stripe again: the entry is not this array's now
        }
        final int row = journal.row(s);
        final int rows = journal.rows(s);
        final int length = rows * blockSize;
        // the entry is in s.journal; loading the stripe uses only the columns
        for (int slot = 0; slot < slots.length; slot++)
        {
            final Member member = slots[slot];
            s.present[slot] = false;
            if (member.holds(stripe))
            {
                member.device().read(geometry.memberBlock(stripe, row), s.view(slot, length));
                s.present[slot] = true;
            }
        }
        s.mapData(geometry, stripe);
        journal.restore(s);
        Parity.syndromes(s.data, geometry.dataMembers(), 0, length, s.p,
            geometry.level() == RaidLevel.RAID6 ? s.q : null);
        writeColumn(stripe, geometry.parityMember(stripe), s.p, 0, row, rows);
        if (geometry.level() == RaidLevel.RAID6)
        {
            writeColumn(stripe, geometry.qMember(stripe), s.q, 0, row, rows);
        }
        journalReplays++;
    }

    private void writeColumn(
        final long stripe, final int slot, final byte[] column, final int offset, final int row, final int rows)
        throws IOException
    {
        final Member member = slots[slot];
        if (!member.holds(stripe))
        {
            return;
        }
        try
        {
            member.device().write(geometry.memberBlock(stripe, row), ByteBuffer.wrap(column, offset, rows * blockSize));
        }
        catch (final IOException | RuntimeException ex)
        {
            memberFailed(slot, member, true, "write error: " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads rows {@code [row, row + rows)} of every member holding {@code stripe} into scratch and rebuilds the
     * data chunks of those that do not, so that {@code s.data} holds the stripe's data. Under the stripe's lock.
     */
    private void loadAndSolve(final long stripe, final int row, final int rows, final StripeScratch s)
        throws IOException
    {
        final int length = rows * blockSize;
        for (int slot = 0; slot < slots.length; slot++)
        {
            final Member member = slots[slot];
            s.present[slot] = false;
            if (member.holds(stripe))
            {
                try
                {
                    member.device().read(geometry.memberBlock(stripe, row), s.view(slot, length));
                    s.present[slot] = true;
                }
                catch (final IOException | RuntimeException ex)
                {
                    memberFailed(slot, member, false, "read error: " + ex.getMessage(), ex);
                }
            }
        }
        s.mapData(geometry, stripe);
        solve(stripe, length, s);
    }

    private void solve(final long stripe, final int length, final StripeScratch s) throws IOException
    {
        int lostA = -1;
        int lostB = -1;
        for (int i = 0; i < geometry.dataMembers(); i++)
        {
            if (!s.present[geometry.dataMember(stripe, i)])
            {
                if (lostA < 0)
                {
                    lostA = i;
                }
                else if (lostB < 0)
                {
                    lostB = i;
                }
                else
                {
                    throw lost(stripe);
                }
            }
        }
        if (lostA < 0)
        {
            return;
        }
        final int pSlot = geometry.parityMember(stripe);
        final int qSlot = geometry.qMember(stripe);
        final boolean p = pSlot >= 0 && s.present[pSlot];
        final boolean q = qSlot >= 0 && s.present[qSlot];
        final int n = geometry.dataMembers();
        if (lostB < 0 && p)
        {
            Parity.recoverFromP(s.data, n, lostA, s.columns[pSlot], 0, length);
        }
        else if (lostB < 0 && q)
        {
            Parity.recoverFromQ(s.data, n, lostA, s.columns[qSlot], 0, length);
        }
        else if (lostB >= 0 && p && q)
        {
            Parity.recoverTwo(s.data, n, lostA, lostB, s.columns[pSlot], s.columns[qSlot], 0, length);
        }
        else
        {
            throw lost(stripe);
        }
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
            synchronized (lockOf(s))
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
        return withLocks(stripe, Math.min(count, STRIPE_LOCKS), () ->
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
                        memberFailed(other, slots[other], false, "read error: " + ex.getMessage(), ex);
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
                memberFailed(slot, member, true, "write error while rebuilding: " + ex.getMessage(), ex);
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
        synchronized (lockOf(stripe))
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
        synchronized (lockOf(stripe))
        {
            if (member.state() != MemberState.REBUILDING || member.rebuildPosition() != stripe)
            {
                return false;
            }
            final StripeScratch s = scratch.get();
            final byte[] column;
            if (geometry.level() == RaidLevel.RAID1)
            {
                column = s.columns[slot];
                readMirrored(stripe, 0, s.view(slot, length));
            }
            else
            {
                loadAndSolve(stripe, 0, geometry.chunkBlocks(), s);
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
                memberFailed(slot, member, true, "write error while rebuilding: " + ex.getMessage(), ex);
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
        synchronized (stateLock)
        {
            final long ms = Math.max(1, (clock.nanoTime() - member.rebuildStartNs()) / 1_000_000);
            final long bytes = rebuiltStripes * geometry.chunkBytes() - rebuildBytesAtStart;
            member.state(MemberState.ACTIVE, "rebuilt in " + ms + " ms, " + bytes + " bytes at " +
                bytes / 1000 / ms + " MB/s");
            journalGeneration++; // whole again: no journalled chunk may be trusted over it
            changed(slot, member, MemberState.REBUILDING);
        }
    }

    /**
     * Sets the clock rebuilds are timed by (the system's by default).
     */
    public RaidArray clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    private void installRebuilding(final int slot, final Member member, final Member old, final String reason)
    {
        member.rebuildStartNs(clock.nanoTime());
        rebuildBytesAtStart = rebuiltStripes * geometry.chunkBytes();
        if (old.state() != MemberState.MISSING || null != old.device())
        {
            retired.add(old);
        }
        member.state(MemberState.REBUILDING, reason);
        slots[slot] = member;
        changed(slot, member, old.state());
    }

    /**
     * A member's I/O failed: the member is failed, unless the failure is not the member's (the channel was closed
     * under the caller, by an interrupt or by closing the array), which is the caller's to hear of.
     */
    private void memberFailed(final int slot, final Member member, final boolean write, final String reason,
        final Exception ex) throws IOException
    {
        if (ex instanceof ClosedChannelException || ex instanceof InterruptedIOException ||
            Thread.currentThread().isInterrupted())
        {
            throw ex instanceof IOException ? (IOException)ex : new InterruptedIOException(reason);
        }
        fail(slot, member, write, reason);
    }

    /**
     * Fails a member after an error (or by command); takes a spare into its slot if there is one.
     */
    private void fail(final int slot, final Member member, final boolean write, final String reason)
    {
        synchronized (stateLock)
        {
            if (slots[slot] != member || member.state() == MemberState.FAILED ||
                member.state() == MemberState.MISSING)
            {
                return;
            }
            member.countError(write);
            final MemberState from = member.state();
            member.state(MemberState.FAILED, reason);
            changed(slot, member, from);
            if (!spares.isEmpty() && geometry.level() != RaidLevel.RAID0)
            {
                final Member spare = spares.remove(0);
                installRebuilding(slot, spare, member, "spare for " + fileName(member.name()));
            }
        }
    }

    private void changed(final int slot, final Member member, final MemberState from)
    {
        age++;
        saveHeaders();
        listener.memberChanged(slot, member, from, age);
    }

    /**
     * Writes every reachable member's header at the current age. A member whose header cannot be written is
     * failed (and the headers written again). Under the state lock.
     */
    private void saveHeaders()
    {
        final MemberState[] states = new MemberState[slots.length];
        boolean again = true;
        while (again)
        {
            again = false;
            for (int slot = 0; slot < slots.length; slot++)
            {
                states[slot] = slots[slot].state();
            }
            for (int slot = 0; slot < slots.length && !again; slot++)
            {
                final Member member = slots[slot];
                if (member.state() == MemberState.ACTIVE || member.state() == MemberState.REBUILDING)
                {
                    again = !saveHeader(member, slot, states);
                    if (again)
                    {
                        member.countError(true);
                        member.state(MemberState.FAILED, "member header write failed");
                        age++;
                    }
                }
            }
        }
        for (final Member spare : List.copyOf(spares))
        {
            if (!saveHeader(spare, MemberHeader.SPARE_SLOT, states))
            {
                spares.remove(spare);
                spare.state(MemberState.FAILED, "spare header write failed");
                retired.add(spare);
            }
        }
    }

    private boolean saveHeader(final Member member, final int slot, final MemberState[] states)
    {
        final BlockDevice device = member.device();
        if (null == device)
        {
            return true;
        }
        header.fill(arrayId, geometry, slot, age, member.rebuildPosition(), states, journalGeneration);
        try
        {
            headerBlock.clear();
            device.write(0, headerBlock);
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            return false;
        }
    }

    private void checkDevice(final String name, final BlockDevice device)
    {
        if (device.blockSize() != blockSize || device.blockCount() < geometry.memberBlocks())
        {
            throw new IllegalArgumentException(name + ": a member of " + this + " needs " + geometry.memberBlocks() +
                " blocks of " + blockSize + " bytes; it has " + device.blockCount() + " of " + device.blockSize());
        }
    }

    private int checkSlot(final int slot)
    {
        if (slot < 0 || slot >= slots.length)
        {
            throw new IllegalArgumentException("no member " + slot + " in an array of " + slots.length);
        }
        return slot;
    }

    private void checkNotFailed() throws IOException
    {
        if (failed())
        {
            throw new IOException(this + " has failed: " + lostMembers() + " members lost, " +
                geometry.level().redundancy(geometry.width()) + " may be");
        }
    }

    private IOException lost(final long stripe)
    {
        return new IOException(this + ": stripe " + stripe + " cannot be read or written: " + lostMembers() +
            " members lost, " + geometry.level().redundancy(geometry.width()) + " may be");
    }

    private long stripeOf(final long block)
    {
        return block / geometry.stripeDataBlocks();
    }

    private Object lockOf(final long stripe)
    {
        return stripeLocks[(int)(stripe % STRIPE_LOCKS)];
    }

    private void checkRange(final long blockIndex, final int bytes)
    {
        if (bytes % blockSize != 0 || bytes == 0)
        {
            throw new IllegalArgumentException(this + ": I/O of " + bytes + " bytes is not a whole number of " +
                blockSize + "-byte blocks");
        }
        final long blocks = bytes / blockSize;
        if (blockIndex < 0 || blockIndex > blockCount() - blocks)
        {
            throw new IllegalArgumentException(this + ": blocks [" + blockIndex + ", " + (blockIndex + blocks) +
                ") outside an array of " + blockCount() + " blocks");
        }
    }

    private static String fileName(final String name)
    {
        final java.nio.file.Path file = java.nio.file.Path.of(name).getFileName();
        return null == file ? name : file.toString();
    }

    private static void quietClose(final BlockDevice device)
    {
        if (null != device)
        {
            try
            {
                device.close();
            }
            catch (final IOException ignore)
            {
                // a pulled disk: nothing more to say to it
            }
        }
    }
}
