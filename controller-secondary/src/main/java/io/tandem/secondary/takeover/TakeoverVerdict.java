package io.tandem.secondary.takeover;

/**
 * What the takeover decision concluded, and why: the secondary acts on {@link #kind()}, people read
 * {@link #describe()}.
 *
 * @param kind   take over, resume an interrupted takeover, or not.
 * @param reason why, as a value tests and the agent compare.
 * @param inputs what the decision looked at, for the description.
 */
public record TakeoverVerdict(Kind kind, Reason reason, TakeoverInputs inputs)
{
    /**
     * What the secondary does.
     */
    public enum Kind
    {
        TAKE_OVER, RESUME, REFUSE
    }

    /**
     * Why.
     */
    public enum Reason
    {
        /** The pool's owner is not the partner: there is no primary to take over from. */
        NO_PRIMARY,
        /** This controller owns the pool already and is not finishing a takeover. */
        OWNER_ALREADY,
        /** This controller owns the pool but never mirrored in this life: it finishes the takeover it began. */
        RESUMING,
        /** No mirror log is open: nothing to replay from. */
        NO_MIRROR,
        /** The partner is heard on at least one path: it is alive. */
        PRIMARY_ALIVE,
        /** The partner never wrote a heartbeat on the pool. */
        NO_HEARTBEAT,
        /** Every path is down but the partner's heartbeat is fresh: the interconnect failed, not the partner. */
        INTERCONNECT_FAILED,
        /** The pool records the mirror stale: the partner acknowledged writes this mirror lacks. */
        MIRROR_STALE,
        /** The pool vouches for a generation this controller's log does not hold complete. */
        GENERATION_NOT_HELD,
        /** The partner is gone and this log holds the generation the pool vouches for. */
        PARTNER_GONE_MIRROR_HELD,
        /** The partner is gone and the pool alone holds every acknowledged write (a generation was starting). */
        PARTNER_GONE_POOL_HOLDS_ALL,
        /** Forced by the operator, whatever it loses. */
        FORCED
    }

    /**
     * @return true if the secondary should start (or resume) a takeover now.
     */
    public boolean acts()
    {
        return Kind.REFUSE != kind;
    }

    /**
     * @return the verdict as `tandem ctl status` shows it.
     */
    public String describe()
    {
        final TakeoverInputs in = inputs;
        final String prefix = Kind.REFUSE == kind ? "no: " : Kind.RESUME == kind ? "resume: " : "yes: ";
        switch (reason)
        {
            case NO_PRIMARY:
                return prefix + "the pool has no primary to take over from (owner " + in.poolOwner() + ")";
            case OWNER_ALREADY:
                return prefix + "this controller owns the pool";
            case RESUMING:
                return prefix + "this controller owns the pool and finishes the takeover it had begun";
            case NO_MIRROR:
                return prefix + "no mirror session yet";
            case PRIMARY_ALIVE:
                return prefix + "the primary is alive on " + in.livePaths() + " path(s)";
            case NO_HEARTBEAT:
                return prefix + "the primary has no heartbeat on the pool";
            case INTERCONNECT_FAILED:
                return prefix + "every path is down but the primary's mailbox heartbeat is fresh (" +
                    in.partnerHeartbeatAgeMs() + " ms): the interconnect failed, not the primary";
            case MIRROR_STALE:
                return prefix + "the mirror is stale (the primary acknowledged writes without it); a forced " +
                    "takeover would lose them";
            case GENERATION_NOT_HELD:
                return prefix + "the pool vouches for mirror generation " + in.mirrorGeneration() + " but this " +
                    "controller's mirror holds " + (0 == in.heldGeneration() ? "none" : "generation " +
                    in.heldGeneration()) + " complete (restarted, or joined late): a takeover would lose writes " +
                    "the primary acknowledged";
            case PARTNER_GONE_MIRROR_HELD:
                return prefix + gone(in) + ", and this mirror holds generation " + in.heldGeneration();
            case PARTNER_GONE_POOL_HOLDS_ALL:
                return prefix + gone(in) + ", and the pool holds every acknowledged write";
            default:
                return prefix + "forced by the operator";
        }
    }

    private static String gone(final TakeoverInputs in)
    {
        return in.partnerExited() ? "the primary's process exited (the host says so)" :
            "the primary is gone on every path, its heartbeat is " + in.partnerHeartbeatAgeMs() + " ms old";
    }
}
