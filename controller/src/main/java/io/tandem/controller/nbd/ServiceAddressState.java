package io.tandem.controller.nbd;

/**
 * Where the volume's service address stands on a controller: the address only the pool's owner listens on, so
 * that clients reconnecting to it follow the volume from one controller to the other.
 */
public enum ServiceAddressState
{
    /** Not asked for: this controller does not own the volume, or the pair has no service address. */
    OFF,
    /** Listening: clients connecting to the service address reach this controller. */
    BOUND,
    /**
     * Asked for, but the bind was refused (the address is in use: the previous owner has not let go of it yet);
     * tried again.
     */
    BUSY,
    /** Let go of: its clients were disconnected, and the partner may bind it. */
    RELEASED;

    /**
     * @return the state once the address is called off: still {@link #OFF} if it never was asked for.
     */
    public ServiceAddressState calledOff()
    {
        return OFF == this ? OFF : RELEASED;
    }
}
