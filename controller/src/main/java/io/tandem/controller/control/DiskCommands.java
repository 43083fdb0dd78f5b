package io.tandem.controller.control;

import io.tandem.controller.pool.Pool;
import io.tandem.controller.pool.PoolStatus;
import io.tandem.raid.FaultyBlockDevice;
import io.tandem.raid.Member;
import io.tandem.raid.MemberHeader;
import io.tandem.raid.MemberDevice;
import io.tandem.raid.PoolArrays;
import io.tandem.raid.RaidArray;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code tandem ctl disk ...} on the controller that runs the pool's array:
 * <ul>
 * <li>{@code disk list}: every array and member, its state, rebuild progress, errors;</li>
 * <li>{@code disk fail N}: fail member N as an I/O error would (a spare, if any, takes its slot);</li>
 * <li>{@code disk pull N}: take member N out as a pulled disk (its file stays; {@code disk add} puts it back);</li>
 * <li>{@code disk add PATH}: a member file into a lost slot (rebuilt; only where it missed writes if it is the
 * slot's own), or as a spare;</li>
 * <li>{@code disk replace N PATH}: member N replaced by a new file, rebuilt;</li>
 * <li>{@code disk fault N dead|bad FROM TO|slow MICROS|stale|none}: inject a fault into member N's file;</li>
 * <li>{@code disk scrub}: check every stripe's parity or copies against its data, repairing those that differ.</li>
 * </ul>
 * N names a member slot: {@code 2} in a flat array, {@code 0-1} for slot 1 of the array in slot 0.
 * <p>
 * Stateless; thread-safe as the arrays are.
 */
public final class DiskCommands
{
    private static final String USAGE = "ERROR usage: disk list | disk fail N | disk pull N | disk add PATH | " +
        "disk replace N PATH | disk fault N dead|bad FROM TO|slow MICROS|stale|none | disk scrub\n";

    private DiskCommands()
    {
    }

    /**
     * @return the reply to {@code command} ({@code disk ...}).
     */
    public static String handle(final String[] command, final Pool pool)
    {
        if (pool.layout().single())
        {
            return "ERROR the pool is a single volume file (--pool single): it has no disks to list or fail\n";
        }
        final PoolArrays arrays = pool.arrays();
        if (null == arrays)
        {
            return "ERROR this controller does not run the pool's array: ask the controller that serves the volume\n";
        }
        if (command.length < 2)
        {
            return USAGE;
        }
        try
        {
            switch (command[1])
            {
                case "list":
                    return list(arrays);
                case "fail":
                    return withDisk(command, 3, arrays, (disk, args) ->
                    {
                        disk.array().fail(disk.slot(), "failed by command");
                        return "member " + disk.name() + " failed";
                    });
                case "pull":
                    return withDisk(command, 3, arrays, (disk, args) ->
                    {
                        final Member member = disk.array().pull(disk.slot());
                        return "member " + disk.name() + " pulled (" + member.name() + ")";
                    });
                case "add":
                    if (command.length != 3)
                    {
                        return USAGE;
                    }
                    return add(arrays, Path.of(command[2]));
                case "replace":
                    return withDisk(command, 4, arrays, (disk, args) ->
                    {
                        final MemberDevice device = arrays.openMember(Path.of(args[3]),
                            disk.array().geometry().memberBlocks());
                        disk.array().replace(disk.slot(), device.name(), device.device());
                        return "member " + disk.name() + " replaced by " + device.name() + ": rebuilding";
                    });
                case "scrub":
                    for (final RaidArray array : arrays.arrays().values())
                    {
                        array.startScrub();
                    }
                    return "OK\nscrub started: every stripe checked and repaired in the background (disk list, " +
                        "status pool.scrub_percent)\n";
                case "fault":
                    return withDisk(command, -1, arrays, (disk, args) -> fault(arrays, disk, args));
                default:
                    return USAGE;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return "ERROR " + ex.getMessage() + "\n";
        }
    }

    private static String list(final PoolArrays arrays)
    {
        final StringBuilder out = new StringBuilder("OK\n");
        out.append("pool ").append(PoolStatus.state(arrays)).append(", age ").append(arrays.array().age())
            .append('\n');
        for (final var entry : arrays.arrays().entrySet())
        {
            final RaidArray array = entry.getValue();
            final String place = entry.getKey();
            out.append(place.isEmpty() ? "array" : "array " + place).append(": ")
                .append(array.geometry().level().name().toLowerCase()).append(" of ")
                .append(array.geometry().width()).append(", ").append(array.state())
                .append(", dirty regions ").append(array.dirtyRegions()).append('/').append(array.regionCount());
            if (array.scrubbing() || array.scrubPosition() > 0)
            {
                out.append(String.format(java.util.Locale.ROOT, ", scrub %s %.1f%%, %d mismatches repaired",
                    array.scrubbing() ? "running" : "done",
                    100.0 * array.scrubPosition() / array.geometry().stripeCount(), array.scrubMismatches()));
            }
            out.append('\n');
            final Member[] members = array.members();
            for (int slot = 0; slot < members.length; slot++)
            {
                out.append("  disk ").append(place.isEmpty() ? "" : place + "-").append(slot).append(": ")
                    .append(PoolStatus.describe(array, members[slot])).append('\n');
            }
            for (final Member spare : array.spares())
            {
                out.append("  spare: ").append(PoolStatus.describe(array, spare)).append('\n');
            }
        }
        return out.toString();
    }

    private static String add(final PoolArrays arrays, final Path file) throws IOException
    {
        final RaidArray array = arrays.array();
        final MemberDevice device = arrays.openMember(file, array.geometry().memberBlocks());
        final int slot = array.add(device.name(), device.device());
        return "OK\n" + device.name() + (slot == MemberHeader.SPARE_SLOT ? " added as a spare" :
            " added as member " + slot + ": rebuilding" +
            (array.members()[slot].dirtyRegionsOnly() ? " the regions written while it was away" : "")) + "\n";
    }

    private static String fault(final PoolArrays arrays, final PoolArrays.DiskRef disk, final String[] args)
    {
        final Path file = Path.of(disk.array().members()[disk.slot()].name()).getFileName();
        final FaultyBlockDevice device = null == file ? null : arrays.device(file.toString());
        if (null == device)
        {
            throw new IllegalArgumentException("member " + disk.name() + " has no file to inject faults into");
        }
        final String usage = "usage: disk fault N dead|bad FROM TO|slow MICROS|stale|none";
        if (args.length < 4)
        {
            throw new IllegalArgumentException(usage);
        }
        switch (args[3])
        {
            case "dead":
                device.dead(true);
                return "member " + disk.name() + ": every I/O fails from now on";
            case "bad":
                if (args.length != 6)
                {
                    throw new IllegalArgumentException("usage: disk fault N bad FROM TO (member blocks)");
                }
                device.badBlocks(Long.parseLong(args[4]), Long.parseLong(args[5]));
                return "member " + disk.name() + ": I/O to blocks " + args[4] + " to " + args[5] + " fails";
            case "slow":
                if (args.length != 5)
                {
                    throw new IllegalArgumentException("usage: disk fault N slow MICROS");
                }
                device.delayNs(Long.parseLong(args[4]) * 1000);
                return "member " + disk.name() + ": every I/O takes " + args[4] + " us longer";
            case "stale":
                device.losesWrites(true);
                return "member " + disk.name() + ": writes are acknowledged and lost (stale data)";
            case "none":
                device.dead(false).badBlocks(-1, -1).delayNs(0).losesWrites(false).readsFail(false);
                return "member " + disk.name() + ": no faults";
            default:
                throw new IllegalArgumentException(usage);
        }
    }

    private static String withDisk(
        final String[] command, final int length, final PoolArrays arrays, final DiskAction action)
        throws IOException
    {
        if ((length > 0 && command.length != length) || command.length < 3)
        {
            return USAGE;
        }
        final PoolArrays.DiskRef disk = arrays.disk(command[2]);
        if (null == disk)
        {
            return "ERROR no disk '" + command[2] + "': name a member slot, 0 to " +
                (arrays.array().geometry().width() - 1) + (arrays.arrays().size() > 1 ? ", or A-S for slot S " +
                "of the array in slot A" : "") + " (see disk list)\n";
        }
        return "OK\n" + action.apply(disk, command) + "\n";
    }

    /**
     * Carries out an action on a disk: returns what was done, or throws what was wrong with the command.
     */
    @FunctionalInterface
    private interface DiskAction
    {
        String apply(PoolArrays.DiskRef disk, String[] args) throws IOException;
    }
}
