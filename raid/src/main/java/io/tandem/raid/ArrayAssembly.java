package io.tandem.raid;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes a new array on blank devices, or puts an existing one together from its members' headers.
 * <p>
 * Assembly trusts the members with the highest age: their headers say which slots are in the array and in what
 * state. A member with a lower age missed changes (it was pulled, or its controller died before it was told) and
 * is rebuilt rather than trusted; a member the array had failed stays failed until it is added again by
 * command. Devices of another array, or not members at all, are refused by name, and nothing is written unless
 * the array assembles.
 * <p>
 * Stateless; thread-safe.
 */
public final class ArrayAssembly
{
    private ArrayAssembly()
    {
    }

    /**
     * Makes array {@code arrayId} on {@code members} (slot order) with {@code spares}, writing every header at age
     * 1. The devices' data areas must read as zeros (new, sparse files), which is a consistent parity for any level.
     */
    public static RaidArray create(
        final long arrayId,
        final ArrayGeometry geometry,
        final List<MemberDevice> members,
        final List<MemberDevice> spares,
        final ArrayListener listener) throws IOException
    {
        if (members.size() != geometry.width())
        {
            throw new IllegalArgumentException(geometry + " needs " + geometry.width() + " members, given " +
                members.size());
        }
        final Member[] slots = new Member[members.size()];
        for (int slot = 0; slot < slots.length; slot++)
        {
            final MemberDevice device = members.get(slot);
            checkSize(geometry, device);
            slots[slot] = new Member(device.name(), device.device(), MemberState.ACTIVE, 0);
        }
        final List<Member> spareMembers = new ArrayList<>();
        for (final MemberDevice spare : spares)
        {
            checkSize(geometry, spare);
            spareMembers.add(new Member(spare.name(), spare.device(), MemberState.SPARE, 0));
        }
        final RaidArray array = new RaidArray(arrayId, geometry, slots, spareMembers, 0, 0, listener);
        array.assembled();
        return array;
    }

    /**
     * Puts together the array whose members {@code devices} are.
     *
     * @throws ArrayAssemblyException naming the devices at fault; no device is written then.
     */
    public static RaidArray assemble(final List<MemberDevice> devices, final ArrayListener listener)
        throws IOException
    {
        if (devices.isEmpty())
        {
            throw new ArrayAssemblyException("no devices to assemble an array from");
        }
        final int blockSize = devices.get(0).device().blockSize();
        final ByteBuffer block = BufferUtil.allocateDirectAligned(blockSize, 4096);
        final MemberHeader header = new MemberHeader().wrap(new UnsafeBuffer(block));
        final long[] ages = new long[devices.size()];
        final int[] slotOf = new int[devices.size()];
        final long[] positions = new long[devices.size()];
        long arrayId = 0;
        String arrayIdFrom = null;
        long maxAge = -1;
        ArrayGeometry geometry = null;
        MemberState[] freshest = null;
        long journalGeneration = 0;
        for (int i = 0; i < devices.size(); i++)
        {
            final MemberDevice device = devices.get(i);
            block.clear();
            device.device().read(0, block);
            final String problem = header.problem();
            if (null != problem)
            {
                throw new ArrayAssemblyException(device.name() + ": " + problem);
            }
            if (null == arrayIdFrom)
            {
                arrayId = header.arrayId();
                arrayIdFrom = device.name();
            }
            else if (header.arrayId() != arrayId)
            {
                throw new ArrayAssemblyException(device.name() + " is a member of array " +
                    Long.toHexString(header.arrayId()) + ", but " + arrayIdFrom + " is of array " +
                    Long.toHexString(arrayId));
            }
            ages[i] = header.age();
            slotOf[i] = header.slot();
            positions[i] = header.rebuildPosition();
            if (header.age() > maxAge)
            {
                maxAge = header.age();
                geometry = header.geometry();
                journalGeneration = header.journalGeneration();
                freshest = new MemberState[geometry.width()];
                for (int slot = 0; slot < freshest.length; slot++)
                {
                    freshest[slot] = header.slotState(slot);
                }
            }
        }
        final Member[] slots = new Member[geometry.width()];
        final int[] deviceOfSlot = new int[slots.length];
        Arrays.fill(deviceOfSlot, -1);
        final List<Member> spares = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++)
        {
            final MemberDevice device = devices.get(i);
            checkSize(geometry, device);
            final int slot = slotOf[i];
            if (slot == MemberHeader.SPARE_SLOT)
            {
                spares.add(new Member(device.name(), device.device(), MemberState.SPARE, 0));
                continue;
            }
            if (slot < 0 || slot >= slots.length)
            {
                throw new ArrayAssemblyException(device.name() + ": slot " + slot + " of an array of " +
                    slots.length);
            }
            if (deviceOfSlot[slot] >= 0)
            {
                final int other = deviceOfSlot[slot];
                if (ages[other] == ages[i])
                {
                    throw new ArrayAssemblyException(device.name() + " and " + devices.get(other).name() +
                        " both claim slot " + slot + " at age " + ages[i]);
                }
                if (ages[other] > ages[i])
                {
                    continue; // the older claim lost the slot to a replacement
                }
            }
            deviceOfSlot[slot] = i;
        }
        for (int slot = 0; slot < slots.length; slot++)
        {
            final int i = deviceOfSlot[slot];
            if (i < 0)
            {
                slots[slot] = new Member("(missing)", null, MemberState.MISSING, 0);
                slots[slot].state(MemberState.MISSING, "not found at assembly");
                continue;
            }
            final MemberDevice device = devices.get(i);
            final MemberState recorded = freshest[slot];
            final Member member;
            if (recorded == MemberState.FAILED)
            {
                member = new Member(device.name(), device.device(), MemberState.FAILED, 0);
                member.state(MemberState.FAILED, "failed before assembly; add it again to rebuild it");
            }
            else if (ages[i] < maxAge)
            {
                // away while the array was never whole (else another device holds its slot): the bitmap holds
                // every region written meanwhile
                member = new Member(device.name(), device.device(), MemberState.REBUILDING, 0);
                member.state(MemberState.REBUILDING, "stale: age " + ages[i] + " of " + maxAge +
                    "; resyncing the regions written while it was away");
                member.dirtyRegionsOnly(true);
            }
            else if (recorded == MemberState.REBUILDING)
            {
                member = new Member(device.name(), device.device(), MemberState.REBUILDING, positions[i]);
                member.state(MemberState.REBUILDING, "rebuild resumed at stripe " + positions[i]);
            }
            else
            {
                member = new Member(device.name(), device.device(), MemberState.ACTIVE, 0);
            }
            slots[slot] = member;
        }
        final RaidArray array = new RaidArray(arrayId, geometry, slots, spares, maxAge, journalGeneration, listener);
        if (array.failed())
        {
            throw new ArrayAssemblyException(array + ": only " + (slots.length - array.lostMembers()) + " of " +
                slots.length + " members hold every stripe; " + geometry.level().redundancy(geometry.width()) +
                " may be lost");
        }
        array.loadBitmap();
        array.replayJournal();
        array.assembled();
        return array;
    }

    private static void checkSize(final ArrayGeometry geometry, final MemberDevice device)
        throws ArrayAssemblyException
    {
        if (device.device().blockSize() != geometry.blockSize() ||
            device.device().blockCount() < geometry.memberBlocks())
        {
            throw new ArrayAssemblyException(device.name() + ": a member of a " + geometry + " needs " +
                geometry.memberBlocks() + " blocks of " + geometry.blockSize() + " bytes; it has " +
                device.device().blockCount() + " of " + device.device().blockSize());
        }
    }
}
