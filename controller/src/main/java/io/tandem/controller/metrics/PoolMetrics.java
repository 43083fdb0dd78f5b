package io.tandem.controller.metrics;

import io.tandem.controller.pool.Pool;
import io.tandem.controller.pool.PoolStatus;
import io.tandem.raid.ArrayState;
import io.tandem.raid.Member;
import io.tandem.raid.MemberState;
import io.tandem.raid.PoolArrays;
import io.tandem.raid.RaidArray;

import java.util.Map;

/**
 * The pool's figures that {@link PoolStatus} shows, as metrics, read from the arrays' typed state where this
 * controller runs the array: the layout, the worst array state, each member's state and errors, lost members,
 * rebuild and scrub progress, the write-intent bitmap's dirty regions.
 * <p>
 * Stateless; thread-safe as the arrays are.
 */
public final class PoolMetrics
{
    private PoolMetrics()
    {
    }

    public static void write(final Pool pool, final MetricsWriter out)
    {
        out.info("tandem_pool", "The pool's layout", "layout", pool.layout().toString());
        final PoolArrays arrays = pool.arrays();
        if (pool.layout().single() || null == arrays)
        {
            return;
        }
        out.states("tandem_pool_state", "The worst state of the pool's arrays", "state", ArrayState.values(),
            PoolStatus.state(arrays));
        long rebuiltBytes = 0;
        long scrubbed = 0;
        long stripes = 0;
        long mismatches = 0;
        boolean scrubbing = false;
        for (final Map.Entry<String, RaidArray> entry : arrays.arrays().entrySet())
        {
            final String place = entry.getKey().isEmpty() ? "top" : entry.getKey();
            final RaidArray array = entry.getValue();
            final Member[] members = array.members();
            for (int slot = 0; slot < members.length; slot++)
            {
                member(out, array, members[slot], place, Integer.toString(slot));
            }
            int spare = 0;
            for (final Member member : array.spares())
            {
                member(out, array, member, place, "spare-" + spare++);
            }
            out.gauge("tandem_pool_dirty_regions", "Regions the write-intent bitmap marks as having writes in " +
                "flight, by array", array.dirtyRegions(), "array", place);
            out.gauge("tandem_pool_regions", "Regions of the write-intent bitmap, by array", array.regionCount(),
                "array", place);
            rebuiltBytes += array.rebuiltStripes() * array.geometry().chunkBytes();
            scrubbing |= array.scrubbing();
            scrubbed += array.scrubPosition();
            stripes += array.geometry().stripeCount();
            mismatches += array.scrubMismatches();
        }
        final RaidArray top = arrays.array();
        out.gauge("tandem_pool_lost_members", "Members the pool's array has lost", top.lostMembers());
        out.counter("tandem_pool_rebuilt_bytes", "Bytes rebuilt onto members, since the array was assembled",
            rebuiltBytes);
        final int rebuilding = top.rebuildingSlot();
        out.gauge("tandem_pool_rebuild_progress_ratio", "How far the rebuild of the member being rebuilt is, 0 to 1 " +
            "(0 while none is)", rebuilding < 0 ? 0 :
            (double)top.members()[rebuilding].rebuildPosition() / top.geometry().stripeCount());
        out.flag("tandem_pool_scrubbing", "1 while a scrub runs", scrubbing);
        out.gauge("tandem_pool_scrub_progress_ratio", "How far the last scrub went, 0 to 1",
            0 == stripes ? 0 : (double)scrubbed / stripes);
        out.counter("tandem_pool_scrub_mismatches", "Stripes a scrub found inconsistent and repaired", mismatches);
    }

    private static void member(
        final MetricsWriter out, final RaidArray array, final Member member, final String place, final String slot)
    {
        for (final MemberState state : MemberState.values())
        {
            out.flag("tandem_pool_member_state", "Each member's state (1 for the one it is in)",
                state == member.state(), "array", place, "slot", slot, "state", state.name().toLowerCase());
        }
        out.counter("tandem_pool_member_errors", "I/O errors of each member by direction", member.readErrors(),
            "array", place, "slot", slot, "direction", "read");
        out.counter("tandem_pool_member_errors", "I/O errors of each member by direction", member.writeErrors(),
            "array", place, "slot", slot, "direction", "write");
    }
}
