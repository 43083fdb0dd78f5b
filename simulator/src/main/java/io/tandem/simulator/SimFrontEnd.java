package io.tandem.simulator;

import io.tandem.controller.nbd.BlockVolume;
import io.tandem.controller.nbd.NbdCounters;
import io.tandem.controller.nbd.NbdFrontEnd;
import io.tandem.controller.nbd.NbdServerContext;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

/**
 * A controller's front end, simulated: the simulated clients call its volume directly, as the NBD server would
 * for their requests, and get the NBD server's refusal while it refuses I/O. Its process dies with it: the
 * clients see their connection drop.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class SimFrontEnd implements NbdFrontEnd
{
    private final SimProcess process;
    private final BlockVolume volume;
    private final NbdCounters counters = new NbdCounters();
    private final AgentInvoker invoker;
    private boolean refuseIo;
    private boolean closed;

    SimFrontEnd(final SimProcess process, final NbdServerContext ctx)
    {
        this.process = process;
        this.volume = ctx.volume();
        this.refuseIo = ctx.refuseIo();
        this.invoker = new AgentInvoker(process::onAgentError, null, new Agent()
        {
            public int doWork()
            {
                return 0;
            }

            public String roleName()
            {
                return "simulated-front-end";
            }
        });
        invoker.start();
    }

    SimProcess process()
    {
        return process;
    }

    BlockVolume volume()
    {
        return volume;
    }

    /**
     * @return true while a client request would reach the volume.
     */
    boolean servesIo()
    {
        return !closed && !refuseIo && process.isAlive() && !process.isPaused();
    }

    boolean isClosed()
    {
        return closed;
    }

    public int port()
    {
        return 10_809 + process.controllerId();
    }

    public void refuseIo(final boolean refuse)
    {
        refuseIo = refuse;
    }

    public boolean refuseIo()
    {
        return refuseIo;
    }

    public NbdCounters counters()
    {
        return counters;
    }

    public AgentInvoker invoker()
    {
        return invoker;
    }

    public void close()
    {
        closed = true;
        invoker.close();
    }
}
