package io.tandem.simulator;

import io.tandem.controller.nbd.BlockVolume;
import io.tandem.controller.nbd.NbdCounters;
import io.tandem.controller.nbd.NbdFrontEnd;
import io.tandem.controller.nbd.NbdServerContext;
import io.tandem.controller.nbd.ServiceAddressState;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

/**
 * A controller's front end, simulated: the simulated clients call its volume directly, as the NBD server would
 * for their requests, and get the NBD server's refusal while it refuses I/O. Its process dies with it: the
 * clients see their connection drop.
 * <p>
 * The volume's service address is one for the whole simulation ({@link Simulation#bindService}): bound in the
 * front end's duty cycle as the NBD server binds it, refused while another live process holds it (a paused one
 * too, as the kernel keeps a stopped process's sockets), let go of when asked or when the process dies; its
 * clients are disconnected when it is let go of.
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
    private java.net.InetSocketAddress serviceWanted;
    private java.net.InetSocketAddress serviceApplied;
    private ServiceAddressState serviceState = ServiceAddressState.OFF;
    private boolean serviceBound;

    SimFrontEnd(final SimProcess process, final NbdServerContext ctx)
    {
        this.process = process;
        this.volume = ctx.volume();
        this.refuseIo = ctx.refuseIo();
        this.invoker = new AgentInvoker(process::onAgentError, null, new Agent()
        {
            public int doWork()
            {
                return reconcileService();
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

    public void serviceAddress(final java.net.InetSocketAddress address)
    {
        serviceWanted = address;
    }

    public ServiceAddressState serviceAddressState()
    {
        return serviceState;
    }

    public String serviceAddressRefusal()
    {
        return ServiceAddressState.BUSY == serviceState ? "BindException: Address already in use" : "";
    }

    /**
     * @return true while clients connecting to the service address reach this front end.
     */
    boolean holdsService()
    {
        return serviceBound && !closed && process.isAlive();
    }

    private int reconcileService()
    {
        final java.net.InetSocketAddress wanted = serviceWanted;
        if (wanted == serviceApplied && ServiceAddressState.BUSY != serviceState)
        {
            return 0;
        }
        int work = 0;
        if (wanted != serviceApplied && serviceBound)
        {
            process.simulation().releaseService(this);
            serviceBound = false;
            work++;
        }
        serviceApplied = wanted;
        if (null == wanted)
        {
            serviceState = serviceState.calledOff();
            return work;
        }
        if (!serviceBound)
        {
            serviceBound = process.simulation().bindService(this);
            serviceState = serviceBound ? ServiceAddressState.BOUND : ServiceAddressState.BUSY;
        }
        return work + (serviceBound ? 1 : 0);
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
        if (serviceBound)
        {
            process.simulation().releaseService(this);
            serviceBound = false;
        }
        closed = true;
        invoker.close();
    }
}
