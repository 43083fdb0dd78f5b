package io.tandem.controller.nbd;

import org.agrona.concurrent.AgentInvoker;

/**
 * The volume's front end as a controller uses it: a port clients reach, an invoker its agent steps, and the
 * switch that refuses I/O while the controller does not serve. {@link NbdServer} is the real one, over TCP; the
 * deterministic simulator plugs in one whose clients call the volume directly, so the controllers run unchanged
 * on either.
 * <p>
 * Thread-safe: every method may be called from any thread.
 */
public interface NbdFrontEnd extends AutoCloseable
{
    /**
     * @return the port clients connect to.
     */
    int port();

    /**
     * Turns refuse-I/O mode on or off; takes effect for the next request, on every connection.
     */
    void refuseIo(boolean refuse);

    boolean refuseIo();

    /**
     * Binds the volume's service address ({@code address}) or releases it (null), in the front end's next duty
     * cycle: only the pool's owner listens on it, and releasing it disconnects the clients that came in through it.
     * A bind refused because the address is in use is tried again until it succeeds or is called off.
     */
    void serviceAddress(java.net.InetSocketAddress address);

    /**
     * @return where the service address stands.
     */
    ServiceAddressState serviceAddressState();

    /**
     * @return why the last bind of the service address was refused, or "".
     */
    String serviceAddressRefusal();

    NbdCounters counters();

    /**
     * @return the invoker to step the front end with, or null when it runs on a thread of its own.
     */
    AgentInvoker invoker();

    @Override
    void close();
}
