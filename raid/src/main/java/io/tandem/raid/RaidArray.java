package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
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
    static final int STRIPE_LOCKS = ArrayGeometry.JOURNAL_SLOTS;
    static final int HEADER_SAVE_INTERVAL = 64;

    final long arrayId;
    final ArrayGeometry geometry;
    final int blockSize;
    final Member[] slots;
    final Object stateLock = new Object();
    private final Object[] stripeLocks = new Object[STRIPE_LOCKS];
    final ThreadLocal<StripeScratch> scratch;
    private final StripeJournal journal;
    private final ArrayRepair repair;
    private final ArrayMembership membership;
    final WriteIntentBitmap bitmap;
    final WriteIntentBitmap.Writer bitmapWriter = this::writeBitmapBlock;
    volatile long journalGeneration;
    private volatile long journalled;
    private volatile long journalReplays;
    private volatile long clientIo;
    volatile NanoClock clock = SystemNanoClock.INSTANCE;
    private volatile long degradedReads;

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
        this.journalGeneration = journalGeneration;
        this.journal = new StripeJournal(geometry);
        this.bitmap = new WriteIntentBitmap(geometry);
        for (int i = 0; i < STRIPE_LOCKS; i++)
        {
            stripeLocks[i] = new Object();
        }
        this.scratch = ThreadLocal.withInitial(() -> new StripeScratch(geometry));
        this.membership = new ArrayMembership(this, stateLock, spares, age, listener);
        this.repair = new ArrayRepair(this);
    }

    ArrayRepair repair()
    {
        return repair;
    }

    ArrayMembership membership()
    {
        return membership;
    }

    /**
     * @return the array's age: how many membership changes it has seen.
     */
    public long age()
    {
        return membership.age();
    }

    /**
     * @return the member in each slot, in slot order (a snapshot of the references; each member's state is live).
     */
    public Member[] members()
    {
        return membership.members();
    }

    public List<Member> spares()
    {
        return membership.spares();
    }

    /**
     * @return members that left the array (failed and replaced by a spare, or replaced by command).
     */
    public List<Member> retired()
    {
        return membership.retired();
    }

    /**
     * Fails slot {@code slot}'s member by command, as an I/O error would: the array goes on degraded, and a spare,
     * if there is one, takes the slot.
     */
    public void fail(final int slot, final String reason)
    {
        membership.fail(slot, reason);
    }

    /**
     * Takes slot {@code slot}'s member out as a pulled disk: nothing more is read from or written to it, its
     * device is closed, and the slot is {@link MemberState#MISSING} until a member is added to it.
     *
     * @return the member pulled, whose device may be given back with {@link #add}.
     */
    public Member pull(final int slot)
    {
        return membership.pull(slot);
    }

    /**
     * Adds {@code device}: back into the slot it left (rebuilt only where it missed writes), into the first slot
     * that has lost its member (rebuilt from stripe 0), or as a spare.
     *
     * @return the slot it went into, or {@link MemberHeader#SPARE_SLOT}.
     */
    public int add(final String name, final BlockDevice device) throws IOException
    {
        return membership.add(name, device);
    }

    /**
     * Replaces slot {@code slot}'s member with {@code device}, which is then rebuilt; the old member leaves the
     * array and its device is closed.
     */
    public void replace(final int slot, final String name, final BlockDevice device) throws IOException
    {
        membership.replace(slot, name, device);
    }

    /**
     * Finishes assembly or creation: spares take the slots of lost members, and every header is written at a new
     * age.
     */
    void assembled()
    {
        membership.assembled();
    }

    void fail(final int slot, final Member member, final boolean write, final String reason)
    {
        membership.fail(slot, member, write, reason);
    }

    void changed(final int slot, final Member member, final MemberState from)
    {
        membership.changed(slot, member, from);
    }

    void saveHeaders()
    {
        membership.saveHeaders();
    }

    void installRebuilding(final int slot, final Member member, final Member old, final String reason)
    {
        membership.installRebuilding(slot, member, old, reason);
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

    /**
     * @return failed, rebuilding, degraded or healthy, the first that holds.
     */
    public ArrayState state()
    {
        if (failed())
        {
            return ArrayState.FAILED;
        }
        if (rebuildingSlot() >= 0)
        {
            return ArrayState.REBUILDING;
        }
        return degraded() ? ArrayState.DEGRADED : ArrayState.HEALTHY;
    }

    public long degradedReads()
    {
        return degradedReads;
    }

    public long rebuiltStripes()
    {
        return repair.rebuiltStripes();
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
        return repair.mismatchedStripes();
    }

    /**
     * @return reads and writes made to the array by its users (any thread); a rebuild slows down while it moves.
     */
    public long clientIo()
    {
        return clientIo;
    }

    /**
     * @return stripes a rebuild skipped because the write-intent bitmap said they were not written while the
     *         member was away.
     */
    public long skippedStripes()
    {
        return repair.skippedStripes();
    }

    /**
     * @return stripes made consistent by {@link #resyncDirtyRegions()}.
     */
    public long resyncedStripes()
    {
        return repair.resyncedStripes();
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

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void read(final long blockIndex, final ByteBuffer dst) throws IOException
    {
        checkRange(blockIndex, dst.remaining());
        clientIo++; // a count that moves is all the rebuild's throttle needs: races may lose an increment
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
        clientIo++; // a count that moves is all the rebuild's throttle needs: races may lose an increment
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
     * Makes every region the write-intent bitmap marks consistent again: P and Q computed from the data, or the
     * first copy of a mirror written to the others. After a crash of the array's owner, beside the replay of its
     * NVLog (a stripe at a time, under the stripe's lock, so it may run beside client writes).
     *
     * @return stripes resynced.
     */
    public long resyncDirtyRegions() throws IOException
    {
        return repair.resyncDirtyRegions();
    }

    /**
     * Rebuilds up to {@code maxStripes} stripes of the first rebuilding member from the others.
     *
     * @return stripes rebuilt; 0 if nothing is rebuilding (or the array cannot rebuild: too many lost).
     */
    public int rebuildStep(final int maxStripes) throws IOException
    {
        return repair.rebuildStep(maxStripes);
    }

    /**
     * Starts a scrub (or starts it again from stripe 0): every stripe read, its parity or mirror copies checked
     * against its data, and those that disagree written again, a step at a time ({@link #scrubStep(int)}).
     */
    public void startScrub()
    {
        repair.startScrub();
    }

    public boolean scrubbing()
    {
        return repair.scrubbing();
    }

    /**
     * @return the stripe the scrub has reached.
     */
    public long scrubPosition()
    {
        return repair.scrubPosition();
    }

    /**
     * @return stripes the scrub under way (or the last one) found disagreeing and wrote again.
     */
    public long scrubMismatches()
    {
        return repair.scrubMismatches();
    }

    /**
     * Checks up to {@code maxStripes} stripes of a scrub under way; a degraded array waits.
     *
     * @return stripes checked.
     */
    public int scrubStep(final int maxStripes) throws IOException
    {
        return repair.scrubStep(maxStripes);
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
            for (final Member member : membership.all())
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
        if (tryRead(geometry.dataMember(stripe, dataIndex), stripe, row, dst))
        {
            return;
        }
        synchronized (lockOf(stripe))
        {
            final StripeScratch s = scratch.get();
            loadAndSolve(stripe, row, rows, s);
            dst.put(s.data[dataIndex], 0, rows * blockSize);
        }
        degradedReads++;
    }

    void readMirrored(final long stripe, final int row, final ByteBuffer dst) throws IOException
    {
        for (int slot = 0; slot < slots.length; slot++)
        {
            if (tryRead(slot, stripe, row, dst))
            {
                return;
            }
        }
        throw lost(stripe);
    }

    /**
     * Reads rows from {@code row} of {@code stripe}'s chunk on member {@code slot} into {@code dst}, if the member
     * holds the stripe; a member whose read fails is failed, and {@code dst} is left as it was.
     *
     * @return true if the rows were read.
     */
    boolean tryRead(final int slot, final long stripe, final int row, final ByteBuffer dst) throws IOException
    {
        final Member member = slots[slot];
        if (!member.holds(stripe))
        {
            return false;
        }
        final int start = dst.position();
        try
        {
            member.device().read(geometry.memberBlock(stripe, row), dst);
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            memberFailed(slot, member, false, "read error: " + ex.getMessage(), ex);
            dst.position(start);
            return false;
        }
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

    void writeColumn(
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
    void loadAndSolve(final long stripe, final int row, final int rows, final StripeScratch s)
        throws IOException
    {
        final int length = rows * blockSize;
        for (int slot = 0; slot < slots.length; slot++)
        {
            s.present[slot] = tryRead(slot, stripe, row, s.view(slot, length));
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









    /**
     * Sets the clock rebuilds are timed by (the system's by default).
     */
    public RaidArray clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }


    /**
     * A member's I/O failed: the member is failed, unless the failure is not the member's (the channel was closed
     * under the caller, by an interrupt or by closing the array), which is the caller's to hear of.
     */
    void memberFailed(final int slot, final Member member, final boolean write, final String reason,
        final Exception ex) throws IOException
    {
        if (ex instanceof ClosedChannelException || ex instanceof InterruptedIOException ||
            Thread.currentThread().isInterrupted())
        {
            throw ex instanceof IOException ? (IOException)ex : new InterruptedIOException(reason);
        }
        fail(slot, member, write, reason);
    }







    private void checkNotFailed() throws IOException
    {
        if (failed())
        {
            throw new IOException(this + " has failed: " + lostMembers() + " members lost, " +
                geometry.level().redundancy(geometry.width()) + " may be");
        }
    }

    IOException lost(final long stripe)
    {
        return new IOException(this + ": stripe " + stripe + " cannot be read or written: " + lostMembers() +
            " members lost, " + geometry.level().redundancy(geometry.width()) + " may be");
    }

    private long stripeOf(final long block)
    {
        return block / geometry.stripeDataBlocks();
    }

    Object lockOf(final long stripe)
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

    static String fileName(final String name)
    {
        final java.nio.file.Path file = java.nio.file.Path.of(name).getFileName();
        return null == file ? name : file.toString();
    }

    static void quietClose(final BlockDevice device)
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
