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

    NbdCounters counters();

    /**
     * @return the invoker to step the front end with, or null when it runs on a thread of its own.
     */
    AgentInvoker invoker();

    @Override
    void close();
}
