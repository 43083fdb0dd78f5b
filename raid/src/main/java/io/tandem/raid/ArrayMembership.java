package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Who is in an array, and what its members' headers say: failing, pulling, adding and replacing members, hot
 * spares taking the slots of failed ones, and the array's age, written to every reachable member's header at each
 * change (so a member that missed a change is known by its lower age). The slots themselves are the array's; they
 * change only here, under the array's state lock.
 * <p>
 * Thread-safe: every change under the state lock.
 */
final class ArrayMembership
{
    private final RaidArray array;
    private final ArrayGeometry geometry;
    private final Member[] slots;
    private final Object lock;
    private final List<Member> spares = new ArrayList<>();
    private final List<Member> retired = new ArrayList<>();
    private final MemberHeader header = new MemberHeader();
    private final ByteBuffer headerBlock;
    private final ArrayListener listener;
    private long age;

    ArrayMembership(final RaidArray array, final Object lock, final List<Member> spares, final long age,
        final ArrayListener listener)
    {
        this.array = array;
        this.geometry = array.geometry;
        this.slots = array.slots;
        this.lock = lock;
        this.spares.addAll(spares);
        this.age = age;
        this.listener = null == listener ? ArrayListener.NONE : listener;
        this.headerBlock = BufferUtil.allocateDirectAligned(geometry.blockSize(), 4096);
        header.wrap(new UnsafeBuffer(headerBlock));
    }

    /**
     * @return every member and spare with a device, for closing them.
     */
    List<Member> all()
    {
        synchronized (lock)
        {
            final List<Member> all = new ArrayList<>(List.of(slots));
            all.addAll(spares);
            return all;
        }
    }

    /**
     * @return the array's age: how many membership changes it has seen.
     */
    long age()
    {
        synchronized (lock)
        {
            return age;
        }
    }

    /**
     * @return the member in each slot, in slot order (a snapshot of the references; each member's state is live).
     */
    Member[] members()
    {
        synchronized (lock)
        {
            return slots.clone();
        }
    }

    List<Member> spares()
    {
        synchronized (lock)
        {
            return List.copyOf(spares);
        }
    }

    /**
     * @return members that left the array (failed and replaced by a spare, or replaced by command).
     */
    List<Member> retired()
    {
        synchronized (lock)
        {
            return List.copyOf(retired);
        }
    }

    /**
     * Fails slot {@code slot}'s member by command, as an I/O error would: the array goes on degraded, and a spare,
     * if there is one, takes the slot.
     */
    void fail(final int slot, final String reason)
    {
        synchronized (lock)
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
    Member pull(final int slot)
    {
        synchronized (lock)
        {
            final Member member = slots[checkSlot(slot)];
            final MemberState from = member.state();
            final BlockDevice device = member.device();
            member.state(MemberState.MISSING, "pulled");
            member.device(null);
            RaidArray.quietClose(device);
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
    int add(final String name, final BlockDevice device) throws IOException
    {
        checkDevice(name, device);
        final int returning = slotLeftBy(device);
        synchronized (lock)
        {
            if (returning >= 0 && slots[returning].state() == MemberState.MISSING)
            {
                final Member member = new Member(name, device, MemberState.REBUILDING, 0);
                member.dirtyRegionsOnly(true);
                installRebuilding(returning, member, slots[returning],
                    "returned: resyncing the regions written while it was away");
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
        final ByteBuffer block = BufferUtil.allocateDirectAligned(array.blockSize, 4096);
        device.read(0, block);
        final MemberHeader found = new MemberHeader().wrap(new UnsafeBuffer(block));
        return null == found.problem() && found.arrayId() == array.arrayId && found.slot() >= 0 &&
            found.slot() < slots.length && found.age() <= age() ? found.slot() : -1;
    }

    /**
     * Replaces slot {@code slot}'s member with {@code device}, which is then rebuilt; the old member leaves the
     * array and its device is closed. Redundancy is lost until the rebuild ends, as when the old one fails.
     */
    void replace(final int slot, final String name, final BlockDevice device) throws IOException
    {
        checkDevice(name, device);
        synchronized (lock)
        {
            final Member old = slots[checkSlot(slot)];
            RaidArray.quietClose(old.device());
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
        synchronized (lock)
        {
            for (int slot = 0; slot < slots.length && !spares.isEmpty(); slot++)
            {
                final Member member = slots[slot];
                if (member.state() == MemberState.FAILED || member.state() == MemberState.MISSING)
                {
                    installRebuilding(slot, spares.remove(0), member, "spare for " + RaidArray.fileName(member.name()));
                }
            }
            age++;
            saveHeaders();
        }
    }

    void installRebuilding(final int slot, final Member member, final Member old, final String reason)
    {
        member.rebuildStartNs(array.clock.nanoTime());
        array.repair().rebuildStarted();
        if (old.state() != MemberState.MISSING || null != old.device())
        {
            retired.add(old);
        }
        member.state(MemberState.REBUILDING, reason);
        slots[slot] = member;
        changed(slot, member, old.state());
    }

    /**
     * Fails a member after an error (or by command); takes a spare into its slot if there is one.
     */
    void fail(final int slot, final Member member, final boolean write, final String reason)
    {
        synchronized (lock)
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
                installRebuilding(slot, spare, member, "spare for " + RaidArray.fileName(member.name()));
            }
        }
    }

    void changed(final int slot, final Member member, final MemberState from)
    {
        age++;
        saveHeaders();
        listener.memberChanged(slot, member, from, age);
    }

    /**
     * Writes every reachable member's header at the current age. A member whose header cannot be written is
     * failed (and the headers written again). Under the state lock.
     */
    void saveHeaders()
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
        header.fill(array.arrayId, geometry, slot, age, member.rebuildPosition(), states,
            array.journalGeneration);
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
        if (device.blockSize() != array.blockSize || device.blockCount() < geometry.memberBlocks())
        {
            throw new IllegalArgumentException(name + ": a member of " + array + " needs " +
                geometry.memberBlocks() + " blocks of " + array.blockSize + " bytes; it has " + device.blockCount() +
                " of " + device.blockSize());
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
}
