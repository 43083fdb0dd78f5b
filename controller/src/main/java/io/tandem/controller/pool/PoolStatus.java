package io.tandem.controller.pool;

import io.tandem.raid.ArrayState;
import io.tandem.raid.Member;
import io.tandem.raid.MemberState;
import io.tandem.raid.PoolArrays;
import io.tandem.raid.RaidArray;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The pool's lines of a status: its layout and, where this controller runs its array, the state of every array
 * and member, rebuild progress and the write-intent bitmap, rendered from the arrays' typed state.
 * <p>
 * Stateless; thread-safe as the arrays are.
 */
public final class PoolStatus
{
    private PoolStatus()
    {
    }

    /**
     * Appends {@code key=value} lines for {@code pool} to {@code out}.
     */
    public static void append(final Pool pool, final StringBuilder out)
    {
        out.append("pool.layout=").append(pool.layout()).append('\n');
        if (pool.layout().single())
        {
            return;
        }
        final PoolArrays arrays = pool.arrays();
        if (null == arrays)
        {
            out.append("pool.state=assembled by the controller that writes the pool\n");
            return;
        }
        final RaidArray top = arrays.array();
        out.append("pool.state=").append(state(arrays)).append('\n');
        for (final Map.Entry<String, RaidArray> entry : arrays.arrays().entrySet())
        {
            final String place = entry.getKey();
            final RaidArray array = entry.getValue();
            final String prefix = place.isEmpty() ? "pool." : "pool.array." + place + ".";
            if (!place.isEmpty())
            {
                out.append(prefix).append("state=").append(array.state()).append('\n');
            }
            final Member[] members = array.members();
            for (int slot = 0; slot < members.length; slot++)
            {
                out.append(prefix).append("disk.").append(slot).append('=').append(describe(array, members[slot]))
                    .append('\n');
            }
            int spare = 0;
            for (final Member member : array.spares())
            {
                out.append(prefix).append("spare.").append(spare++).append('=').append(describe(array, member))
                    .append('\n');
            }
            out.append(prefix).append("dirty_regions=").append(array.dirtyRegions()).append('/')
                .append(array.regionCount()).append('\n');
        }
        out.append("pool.lost=").append(top.lostMembers()).append('\n');
        long rebuilt = 0;
        long skipped = 0;
        for (final RaidArray array : arrays.arrays().values())
        {
            rebuilt += array.rebuiltStripes() * array.geometry().chunkBytes();
            skipped += array.skippedStripes() * array.geometry().chunkBytes();
        }
        out.append("pool.rebuilt_bytes=").append(rebuilt).append('\n');
        out.append("pool.rebuild_skipped_bytes=").append(skipped).append('\n');
        final int rebuilding = top.rebuildingSlot();
        if (rebuilding >= 0)
        {
            out.append("pool.rebuild_slot=").append(rebuilding).append('\n');
            out.append(String.format(Locale.ROOT, "pool.rebuild_percent=%.1f%n",
                100.0 * top.members()[rebuilding].rebuildPosition() / top.geometry().stripeCount()));
        }
        long scrubbed = 0;
        long stripes = 0;
        long mismatches = 0;
        boolean scrubbing = false;
        for (final RaidArray array : arrays.arrays().values())
        {
            scrubbing |= array.scrubbing();
            scrubbed += array.scrubPosition();
            stripes += array.geometry().stripeCount();
            mismatches += array.scrubMismatches();
        }
        if (scrubbing || scrubbed > 0)
        {
            out.append("pool.scrub=").append(scrubbing ? "running" : "done").append('\n');
            out.append(String.format(Locale.ROOT, "pool.scrub_percent=%.1f%n", 100.0 * scrubbed / stripes));
            out.append("pool.scrub_mismatches=").append(mismatches).append('\n');
        }
        out.append("pool.age=").append(top.age()).append('\n');
    }

    /**
     * @return the worst state of the pool's arrays.
     */
    public static ArrayState state(final PoolArrays arrays)
    {
        ArrayState worst = ArrayState.HEALTHY;
        for (final RaidArray array : arrays.arrays().values())
        {
            final ArrayState state = array.state();
            worst = state.compareTo(worst) > 0 ? state : worst;
        }
        return worst;
    }

    /**
     * @return a member as a person reads it: state, progress, file, errors and the reason of its last change.
     */
    public static String describe(final RaidArray array, final Member member)
    {
        final StringBuilder text = new StringBuilder(member.state().name());
        if (member.state() == MemberState.REBUILDING)
        {
            text.append(String.format(Locale.ROOT, " %.1f%%",
                100.0 * member.rebuildPosition() / array.geometry().stripeCount()));
            if (member.dirtyRegionsOnly())
            {
                text.append(" (dirty regions only)");
            }
        }
        text.append(' ').append(fileName(member.name()));
        if (member.readErrors() + member.writeErrors() > 0)
        {
            text.append(" errors read ").append(member.readErrors()).append(" write ").append(member.writeErrors());
        }
        if (!member.reason().isEmpty())
        {
            text.append(" (").append(member.reason()).append(')');
        }
        return text.toString();
    }

    private static String fileName(final String name)
    {
        final Path path = Path.of(name).getFileName();
        return null == path ? name : path.toString();
    }
}
