package io.tandem.raid;

import io.tandem.staging.block.BlockDevice;

/**
 * One slot of an array and the device in it. The array changes a member's state under its own lock; I/O reads it
 * at any time.
 * <p>
 * Thread-safe: state, position and counters are volatile or atomic.
 */
public final class Member
{
    private final String name;
    private volatile BlockDevice device;
    private volatile MemberState state;
    private volatile long rebuildPosition;
    private volatile boolean dirtyRegionsOnly;
    private volatile long rebuildStartNs;
    private volatile String reason = "";
    private volatile long readErrors;
    private volatile long writeErrors;

    Member(final String name, final BlockDevice device, final MemberState state, final long rebuildPosition)
    {
        this.name = name;
        this.device = device;
        this.state = state;
        this.rebuildPosition = rebuildPosition;
    }

    /**
     * @return the member's device as named by the user (its path).
     */
    public String name()
    {
        return name;
    }

    public MemberState state()
    {
        return state;
    }

    /**
     * @return the stripe up to which a rebuilding member is current.
     */
    public long rebuildPosition()
    {
        return rebuildPosition;
    }

    /**
     * @return true if the rebuild copies only the regions the write-intent bitmap marks: the member came back after
     *         being away, and the array was not whole meanwhile.
     */
    public boolean dirtyRegionsOnly()
    {
        return dirtyRegionsOnly;
    }

    /**
     * @return when the member's rebuild started (the array's clock), for its duration.
     */
    long rebuildStartNs()
    {
        return rebuildStartNs;
    }

    void rebuildStartNs(final long nanos)
    {
        this.rebuildStartNs = nanos;
    }

    void dirtyRegionsOnly(final boolean dirtyRegionsOnly)
    {
        this.dirtyRegionsOnly = dirtyRegionsOnly;
    }

    /**
     * @return why the member last changed state (the I/O error, the command), or empty.
     */
    public String reason()
    {
        return reason;
    }

    public long readErrors()
    {
        return readErrors;
    }

    public long writeErrors()
    {
        return writeErrors;
    }

    /**
     * @return true if stripe {@code stripe} of this member may be read and must be written.
     */
    boolean holds(final long stripe)
    {
        return null != device && state.holds(stripe, rebuildPosition);
    }

    BlockDevice device()
    {
        return device;
    }

    void device(final BlockDevice device)
    {
        this.device = device;
    }

    void state(final MemberState state, final String reason)
    {
        this.state = state;
        this.reason = reason;
    }

    void rebuildPosition(final long position)
    {
        this.rebuildPosition = position;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    void countError(final boolean write)
    {
        // under the array's state lock
        if (write)
        {
            writeErrors++;
        }
        else
        {
            readErrors++;
        }
    }
}
