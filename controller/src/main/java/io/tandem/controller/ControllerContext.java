package io.tandem.controller;

import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.idle.ChannelWatcher;
import io.tandem.interconnect.idle.SelectorIdleStrategy;
import io.tandem.nvlog.LogRecord;
import io.tandem.controller.errors.ControllerHealth;
import io.tandem.controller.errors.CountedErrorLog;
import io.tandem.controller.errors.FatalFaultHandler;
import io.tandem.controller.nbd.NbdServerContext;
import io.tandem.controller.platform.ControllerPlatform;
import io.tandem.controller.platform.OsPlatform;
import io.tandem.controller.pool.PairSettings;
import io.tandem.controller.pool.PoolContext;
import io.tandem.raid.ArraySpec;
import io.tandem.raid.RebuildAgent;
import io.tandem.recovery.journal.EventJournal;
import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Configuration of one controller of the pair, either role, concluded once when it launches. The defaults pair
 * controller 0 (primary) and controller 1 (secondary) on loopback with no configuration at all:
 * <pre>
 *  tandem-data/pool/               the shared pool (superblock, mailboxes, volume)
 *  tandem-data/controller-N/       the controller's own NVRAM device and status
 *  NBD 127.0.0.1:10809 (controller 0), :10810 (controller 1); control port = NBD port + 100
 *  interconnect: 2 paths on 127.0.0.1, data ports from 24610, ack ports from 24630, each controller its own
 *                (controller 1 from 24612 and 24632)
 * </pre>
 * Not thread-safe: fill it on one thread, then launch.
 */
public final class ControllerContext
{
    public static final String DATA_DIR_PROP_NAME = "tandem.dataDir";
    public static final String DATA_DIR_DEFAULT = "tandem-data";

    public static final String CLUSTER_ID_PROP_NAME = "tandem.cluster.id";
    public static final long CLUSTER_ID_DEFAULT = 0x54414E44454DL;

    public static final String NBD_PORT_BASE_PROP_NAME = "tandem.nbd.portBase";
    public static final int NBD_PORT_BASE_DEFAULT = 10809;

    public static final String CONTROL_PORT_OFFSET_PROP_NAME = "tandem.control.portOffset";
    public static final int CONTROL_PORT_OFFSET_DEFAULT = 100;

    public static final String VOLUME_SIZE_PROP_NAME = "tandem.pool.volumeSize";
    public static final long VOLUME_SIZE_DEFAULT = 1L << 30;

    public static final String NVRAM_CAPACITY_PROP_NAME = "tandem.nvram.capacity";
    public static final long NVRAM_CAPACITY_DEFAULT = 256L << 20;

    public static final String DURABILITY_PROP_NAME = "tandem.durability";
    public static final Durability DURABILITY_DEFAULT = Durability.PROCESS;

    public static final String CACHE_CAPACITY_PROP_NAME = "tandem.cache.capacity";
    public static final long CACHE_CAPACITY_DEFAULT = 256L << 20;

    public static final String STRIPE_SIZE_PROP_NAME = "tandem.stripeSize";
    public static final int STRIPE_SIZE_DEFAULT = 16 * 1024;

    public static final String CP_INTERVAL_PROP_NAME = "tandem.cp.intervalMs";
    public static final long CP_INTERVAL_MS_DEFAULT = 5_000;

    public static final String HEARTBEAT_INTERVAL_PROP_NAME = "tandem.mailbox.heartbeatMs";
    public static final long HEARTBEAT_INTERVAL_MS_DEFAULT = 50;

    /** How often a secondary reads the pool's superblock between heartbeats, to notice a giveback at once. */
    public static final String POOL_WATCH_PROP_NAME = "tandem.pool.watchMs";
    public static final long POOL_WATCH_MS_DEFAULT = 5;

    public static final String MIRROR_LOSS_POLICY_PROP_NAME = "tandem.mirrorLoss.policy";
    public static final MirrorLossPolicy MIRROR_LOSS_POLICY_DEFAULT = MirrorLossPolicy.SUSPEND;

    /** How the controller's agent idles: {@code select} or {@code backoff} ({@link AgentIdle}). */
    public static final String AGENT_IDLE_PROP_NAME = "tandem.agent.idle";
    public static final AgentIdle AGENT_IDLE_DEFAULT = AgentIdle.SELECT;

    /**
     * When a duty cycle found no work, how often an agent polls its sockets back to back, then with a yield between
     * polls, before it sleeps on them ({@link AgentIdle#SELECT}; see {@link SelectorIdleStrategy}).
     */
    public static final String AGENT_IDLE_SPINS_PROP_NAME = "tandem.agent.idle.spins";
    public static final int AGENT_IDLE_SPINS_DEFAULT = SelectorIdleStrategy.MAX_SPINS_DEFAULT;
    public static final String AGENT_IDLE_YIELDS_PROP_NAME = "tandem.agent.idle.yields";
    public static final int AGENT_IDLE_YIELDS_DEFAULT = SelectorIdleStrategy.MAX_YIELDS_DEFAULT;

    public static final String MIRROR_LOSS_GRACE_PROP_NAME = "tandem.mirrorLoss.graceMs";
    public static final long MIRROR_LOSS_GRACE_MS_DEFAULT = 1_000;

    /** A partner mailbox heartbeat older than this counts as stale: one input of the takeover decision. */
    public static final String PARTNER_STALE_PROP_NAME = "tandem.partner.staleMs";
    public static final long PARTNER_STALE_MS_DEFAULT = 400;

    /** A giveback that cannot quiesce, take its consistency point and hand the pool over in this time aborts. */
    public static final String GIVEBACK_TIMEOUT_PROP_NAME = "tandem.giveback.timeoutMs";
    public static final long GIVEBACK_TIMEOUT_MS_DEFAULT = 10_000;

    /** While consistency points fail on a full pool, a write waiting for one fails with ENOSPC after this long. */
    public static final String NO_SPACE_WAIT_PROP_NAME = "tandem.write.noSpaceWaitMs";
    public static final long NO_SPACE_WAIT_MS_DEFAULT = 5_000;

    /**
     * What the primary does when no interconnect path is up while the partner is alive.
     */
    public enum MirrorLossPolicy
    {
        /** Hold writes until a path returns: no write is acknowledged that the partner lacks. */
        SUSPEND,
        /**
         * Acknowledge writes from the local NVLog alone after {@code mirrorLossGraceMs}, recording first in the
         * superblock that the mirror is stale (the partner then refuses to take over by itself).
         */
        CONTINUE
    }

    /**
     * How the controller's one agent waits when a duty cycle found nothing to do.
     */
    public enum AgentIdle
    {
        /**
         * Sleep in the kernel until a client's socket or an interconnect frame is ready
         * ({@link io.tandem.interconnect.idle.SelectorIdleStrategy}); the interconnect's media driver runs in the
         * agent's duty cycle, so a frame is read by the thread it wakes. One thread per controller does the work.
         */
        SELECT,
        /**
         * Spin, yield, then park 1 to 100 us (Agrona's {@link org.agrona.concurrent.BackoffIdleStrategy}); the
         * media driver has a thread of its own. Wakes on its timer, not on I/O: the earlier design, kept to compare
         * against.
         */
        BACKOFF
    }

    private int controllerId;
    private Path dataDir = Path.of(System.getProperty(DATA_DIR_PROP_NAME, DATA_DIR_DEFAULT));
    private long clusterId = Long.getLong(CLUSTER_ID_PROP_NAME, CLUSTER_ID_DEFAULT);
    private String bindAddress = "127.0.0.1";
    private int nbdPort = -1;
    private int controlPort = -1;
    private java.net.InetSocketAddress serviceAddress;
    private boolean partnerExitWatch;
    private long volumeSize = Long.getLong(VOLUME_SIZE_PROP_NAME, VOLUME_SIZE_DEFAULT);
    private ArraySpec poolLayout;
    private java.util.Map<String, Path> poolMembers = java.util.Map.of();
    private int poolChunkSize = Integer.getInteger(PoolContext.CHUNK_SIZE_PROP_NAME, PoolContext.CHUNK_SIZE_DEFAULT);
    private long rebuildMinRate = Long.getLong(RebuildAgent.MIN_RATE_PROP_NAME, RebuildAgent.MIN_RATE_DEFAULT);
    private long rebuildMaxRate = Long.getLong(RebuildAgent.MAX_RATE_PROP_NAME, RebuildAgent.MAX_RATE_DEFAULT);
    private long nvramCapacity = Long.getLong(NVRAM_CAPACITY_PROP_NAME, NVRAM_CAPACITY_DEFAULT);
    private Path nvramMemoryDir = NvramContext.residentDirDefault();
    private Durability durability = Durability.valueOf(
        System.getProperty(DURABILITY_PROP_NAME, DURABILITY_DEFAULT.name()).toUpperCase());
    private long cacheCapacity = Long.getLong(CACHE_CAPACITY_PROP_NAME, CACHE_CAPACITY_DEFAULT);
    private int stripeSize = Integer.getInteger(STRIPE_SIZE_PROP_NAME, STRIPE_SIZE_DEFAULT);
    private long cpIntervalMs = Long.getLong(CP_INTERVAL_PROP_NAME, CP_INTERVAL_MS_DEFAULT);
    private long heartbeatIntervalMs = Long.getLong(HEARTBEAT_INTERVAL_PROP_NAME, HEARTBEAT_INTERVAL_MS_DEFAULT);
    private long poolWatchMs = Long.getLong(POOL_WATCH_PROP_NAME, POOL_WATCH_MS_DEFAULT);
    private int pathCount = Integer.getInteger(InterconnectContext.PATH_COUNT_PROP_NAME,
        InterconnectContext.PATH_COUNT_DEFAULT);
    private String pathAddresses = System.getProperty(InterconnectContext.PATH_ADDRESSES_PROP_NAME,
        InterconnectContext.PATH_ADDRESSES_DEFAULT);
    private int dataPortBase = Integer.getInteger(InterconnectContext.DATA_PORT_BASE_PROP_NAME,
        InterconnectContext.DATA_PORT_BASE_DEFAULT);
    private int ackPortBase = Integer.getInteger(InterconnectContext.ACK_PORT_BASE_PROP_NAME,
        InterconnectContext.ACK_PORT_BASE_DEFAULT);
    private Path aeronDir = Path.of(System.getProperty(InterconnectContext.DIRECTORY_PROP_NAME,
        InterconnectContext.DIRECTORY_DEFAULT));
    private MirrorLossPolicy mirrorLossPolicy = MirrorLossPolicy.valueOf(
        System.getProperty(MIRROR_LOSS_POLICY_PROP_NAME, MIRROR_LOSS_POLICY_DEFAULT.name()).toUpperCase());
    private long mirrorLossGraceMs = Long.getLong(MIRROR_LOSS_GRACE_PROP_NAME, MIRROR_LOSS_GRACE_MS_DEFAULT);
    private AgentIdle agentIdle = AgentIdle.valueOf(
        System.getProperty(AGENT_IDLE_PROP_NAME, AGENT_IDLE_DEFAULT.name()).toUpperCase());
    private int agentIdleSpins = Integer.getInteger(AGENT_IDLE_SPINS_PROP_NAME, AGENT_IDLE_SPINS_DEFAULT);
    private int nbdCoalesceDepth = Integer.getInteger(
        NbdServerContext.COALESCE_DEPTH_PROP_NAME, NbdServerContext.COALESCE_DEPTH_DEFAULT);
    private long nbdCoalesceWindowNs = Long.getLong(
        NbdServerContext.COALESCE_WINDOW_PROP_NAME, NbdServerContext.COALESCE_WINDOW_NS_DEFAULT);
    private int agentIdleYields = Integer.getInteger(AGENT_IDLE_YIELDS_PROP_NAME, AGENT_IDLE_YIELDS_DEFAULT);
    private long partnerStaleMs = Long.getLong(PARTNER_STALE_PROP_NAME, PARTNER_STALE_MS_DEFAULT);
    private long givebackTimeoutMs = Long.getLong(GIVEBACK_TIMEOUT_PROP_NAME, GIVEBACK_TIMEOUT_MS_DEFAULT);
    private long noSpaceWaitMs = Long.getLong(NO_SPACE_WAIT_PROP_NAME, NO_SPACE_WAIT_MS_DEFAULT);
    private int errorLogLength = Integer.getInteger(
        CountedErrorLog.BUFFER_LENGTH_PROP_NAME, CountedErrorLog.BUFFER_LENGTH_DEFAULT);
    private ControllerHealth health;
    private boolean startWithoutMirror;
    private long handedEpoch;
    private EventJournal journal;
    private RoleHandoff roleHandoff;
    private io.tandem.controller.metrics.ControllerTelemetry telemetry;
    private NanoClock nanoClock;
    private EpochClock epochClock;
    private ControllerPlatform platform = OsPlatform.INSTANCE;
    private boolean concluded;

    /**
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public ControllerContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (controllerId < 0 || controllerId > 1)
        {
            throw new IllegalArgumentException("controllerId must be 0 or 1: " + controllerId);
        }
        if (null == dataDir)
        {
            throw new IllegalArgumentException("dataDir must be set");
        }
        if (-1 == nbdPort)
        {
            nbdPort = Integer.getInteger(NBD_PORT_BASE_PROP_NAME, NBD_PORT_BASE_DEFAULT) + controllerId;
        }
        if (-1 == controlPort)
        {
            controlPort = 0 == nbdPort ? 0 :
                nbdPort + Integer.getInteger(CONTROL_PORT_OFFSET_PROP_NAME, CONTROL_PORT_OFFSET_DEFAULT);
        }
        checkPort("nbdPort", nbdPort);
        NbdServerContext.checkCoalescing(
            "nbdCoalesceDepth", nbdCoalesceDepth, "nbdCoalesceWindow", nbdCoalesceWindowNs);
        checkPort("controlPort", controlPort);
        if (null != serviceAddress && (serviceAddress.isUnresolved() || serviceAddress.getPort() < 1 ||
            serviceAddress.getPort() == nbdPort || serviceAddress.getPort() == controlPort))
        {
            throw new IllegalArgumentException("serviceAddress must be a resolved host and a port of its own (not " +
                "the NBD or control port): " + serviceAddress);
        }
        if (cpIntervalMs < 1 || heartbeatIntervalMs < 1 || givebackTimeoutMs < 1 || poolWatchMs < 1)
        {
            throw new IllegalArgumentException(
                "cpIntervalMs, heartbeatIntervalMs, givebackTimeoutMs and poolWatchMs must be >= 1");
        }
        if (partnerStaleMs <= heartbeatIntervalMs || partnerStaleMs > Integer.MAX_VALUE ||
            heartbeatIntervalMs > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("partnerStaleMs (" + partnerStaleMs + ") must be longer than " +
                "heartbeatIntervalMs (" + heartbeatIntervalMs + "): a live partner must never look stale");
        }
        if (stripeSize < 512 || Integer.bitCount(stripeSize) != 1)
        {
            throw new IllegalArgumentException("stripeSize must be a power of two >= 512: " + stripeSize);
        }
        if (pathCount < 1 || pathCount > 8)
        {
            throw new IllegalArgumentException("pathCount must be 1 to 8: " + pathCount);
        }
        if (Math.abs(ackPortBase - dataPortBase) < 2 * pathCount)
        {
            throw new IllegalArgumentException("dataPortBase (" + dataPortBase + ") and ackPortBase (" +
                ackPortBase + ") must be at least " + 2 * pathCount + " apart: each controller has " + pathCount +
                " ports of each from its base");
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        if (noSpaceWaitMs < 0)
        {
            throw new IllegalArgumentException("noSpaceWaitMs must be >= 0: " + noSpaceWaitMs);
        }
        if (null == health)
        {
            health = new ControllerHealth(FatalFaultHandler.NONE, epochClock);
        }
        concluded = true;
        return this;
    }

    private static void checkPort(final String name, final int port)
    {
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException(name + " must be 0 to 65535: " + port);
        }
    }

    /**
     * @return where the controller's threads, process identity, transport and front end come from: the OS by
     * default, the deterministic simulator's world in a simulation.
     */
    public ControllerPlatform platform()
    {
        return platform;
    }

    public ControllerContext platform(final ControllerPlatform platform)
    {
        this.platform = platform;
        return this;
    }

    public int controllerId()
    {
        return controllerId;
    }

    /**
     * @param controllerId 0 or 1; the partner is the other.
     */
    public ControllerContext controllerId(final int controllerId)
    {
        this.controllerId = controllerId;
        return this;
    }

    public int partnerId()
    {
        return 1 - controllerId;
    }

    public Path dataDir()
    {
        return dataDir;
    }

    public ControllerContext dataDir(final Path dataDir)
    {
        this.dataDir = dataDir;
        return this;
    }

    public Path poolDir()
    {
        return dataDir.resolve("pool");
    }

    /**
     * @return this controller's own directory: its NVRAM device, status and journal.
     */
    public Path controllerDir()
    {
        return controllerDir(dataDir, controllerId);
    }

    /**
     * @return the partner's directory: where its run lock and journal are.
     */
    public Path partnerDir()
    {
        return controllerDir(dataDir, partnerId());
    }

    /**
     * @return the directory of controller {@code id} of the pair whose data is in {@code dataDir}.
     */
    public static Path controllerDir(final Path dataDir, final int id)
    {
        return dataDir.resolve("controller-" + id);
    }

    public long clusterId()
    {
        return clusterId;
    }

    public ControllerContext clusterId(final long clusterId)
    {
        this.clusterId = clusterId;
        return this;
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    public ControllerContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    /**
     * @return the NBD port; default 10809 + controller id; 0 picks a free one.
     */
    public int nbdPort()
    {
        return nbdPort;
    }

    public ControllerContext nbdPort(final int nbdPort)
    {
        this.nbdPort = nbdPort;
        return this;
    }

    /**
     * @return the volume's service address: only the controller that owns the pool listens on it, so a client
     * that reconnects to it follows the volume; null for none (each controller's own NBD port only).
     */
    public java.net.InetSocketAddress serviceAddress()
    {
        return serviceAddress;
    }

    public ControllerContext serviceAddress(final java.net.InetSocketAddress serviceAddress)
    {
        this.serviceAddress = serviceAddress;
        return this;
    }

    /**
     * @return whether the secondary learns of the partner process's exit at once from the host
     * ({@link io.tandem.controller.platform.PartnerExitWatch}), on top of heartbeats. Needs each controller in a
     * process of its own, holding its {@link io.tandem.controller.platform.RunLock}; off by default.
     */
    public boolean partnerExitWatch()
    {
        return partnerExitWatch;
    }

    public ControllerContext partnerExitWatch(final boolean partnerExitWatch)
    {
        this.partnerExitWatch = partnerExitWatch;
        return this;
    }

    /**
     * @return the control port `tandem ctl` talks to; default NBD port + 100; 0 picks a free one.
     */
    public int controlPort()
    {
        return controlPort;
    }

    public ControllerContext controlPort(final int controlPort)
    {
        this.controlPort = controlPort;
        return this;
    }

    /**
     * @return the layout a new pool is made with, or null to take the pool's own ({@link PoolContext#layout()}).
     */
    public ArraySpec poolLayout()
    {
        return poolLayout;
    }

    public ControllerContext poolLayout(final ArraySpec poolLayout)
    {
        this.poolLayout = poolLayout;
        return this;
    }

    /**
     * @return bytes per second an array pool's rebuild moves while clients read or write.
     */
    public long rebuildMinRate()
    {
        return rebuildMinRate;
    }

    /**
     * @return bytes per second a rebuild moves at most, when clients are quiet.
     */
    public long rebuildMaxRate()
    {
        return rebuildMaxRate;
    }

    public ControllerContext rebuildRates(final long minRate, final long maxRate)
    {
        this.rebuildMinRate = minRate;
        this.rebuildMaxRate = maxRate;
        return this;
    }

    /**
     * @return where a new array pool's members lie, by member name, when not in the pool's directory.
     */
    public java.util.Map<String, Path> poolMembers()
    {
        return poolMembers;
    }

    public ControllerContext poolMembers(final java.util.Map<String, Path> poolMembers)
    {
        this.poolMembers = java.util.Map.copyOf(poolMembers);
        return this;
    }

    public int poolChunkSize()
    {
        return poolChunkSize;
    }

    public ControllerContext poolChunkSize(final int poolChunkSize)
    {
        this.poolChunkSize = poolChunkSize;
        return this;
    }

    public long volumeSize()
    {
        return volumeSize;
    }

    public ControllerContext volumeSize(final long volumeSize)
    {
        this.volumeSize = volumeSize;
        return this;
    }

    public long nvramCapacity()
    {
        return nvramCapacity;
    }

    public ControllerContext nvramCapacity(final long nvramCapacity)
    {
        this.nvramCapacity = nvramCapacity;
        return this;
    }

    /**
     * @return where the NVRAM's contents are kept in named shared memory at {@code process} durability, so that
     * a logged write needs no {@code pwrite} (io.tandem.staging.ResidentMemory); null for memory of the
     * process's own, written back to {@code nvram.dev} on every group commit.
     */
    public Path nvramMemoryDir()
    {
        return nvramMemoryDir;
    }

    public ControllerContext nvramMemoryDir(final Path nvramMemoryDir)
    {
        this.nvramMemoryDir = nvramMemoryDir;
        return this;
    }

    public Durability durability()
    {
        return durability;
    }

    public ControllerContext durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    public long cacheCapacity()
    {
        return cacheCapacity;
    }

    public ControllerContext cacheCapacity(final long cacheCapacity)
    {
        this.cacheCapacity = cacheCapacity;
        return this;
    }

    /**
     * @return bytes of a volume per stripe: a write is cut into one NVLog record per stripe it touches.
     */
    public int stripeSize()
    {
        return stripeSize;
    }

    public ControllerContext stripeSize(final int stripeSize)
    {
        this.stripeSize = stripeSize;
        return this;
    }

    /**
     * @return the longest time between consistency points while writes arrive.
     */
    public long cpIntervalMs()
    {
        return cpIntervalMs;
    }

    public ControllerContext cpIntervalMs(final long cpIntervalMs)
    {
        this.cpIntervalMs = cpIntervalMs;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    public ControllerContext heartbeatIntervalMs(final long heartbeatIntervalMs)
    {
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        return this;
    }

    /**
     * @return how often a secondary reads the pool's superblock alone between heartbeats, so that it notices a
     * pool handed to it (a giveback) or taken by its partner within that time, not at its next heartbeat.
     */
    public long poolWatchMs()
    {
        return poolWatchMs;
    }

    public ControllerContext poolWatchMs(final long poolWatchMs)
    {
        this.poolWatchMs = poolWatchMs;
        return this;
    }

    /**
     * @return a fresh interconnect context for one session in {@code epoch}: paths, ports and directory from
     * here, every other setting from its system property or default.
     */
    public AgentIdle agentIdle()
    {
        return agentIdle;
    }

    public ControllerContext agentIdle(final AgentIdle agentIdle)
    {
        this.agentIdle = agentIdle;
        return this;
    }

    /**
     * @return the NBD server's request coalescing: with this many requests in flight new ones are read in batches
     * ({@link NbdServerContext#coalesceDepth()}); 0 turns it off.
     */
    public int nbdCoalesceDepth()
    {
        return nbdCoalesceDepth;
    }

    public ControllerContext nbdCoalesceDepth(final int nbdCoalesceDepth)
    {
        this.nbdCoalesceDepth = nbdCoalesceDepth;
        return this;
    }

    /**
     * @return the longest a new request waits unread while the NBD server coalesces
     * ({@link NbdServerContext#coalesceWindowNs()}).
     */
    public long nbdCoalesceWindowNs()
    {
        return nbdCoalesceWindowNs;
    }

    public ControllerContext nbdCoalesceWindowNs(final long nbdCoalesceWindowNs)
    {
        this.nbdCoalesceWindowNs = nbdCoalesceWindowNs;
        return this;
    }

    /**
     * @return polls of its sockets an agent with nothing to do makes back to back, with {@link AgentIdle#SELECT};
     * each is one non-blocking {@code epoll_wait}.
     */
    public int agentIdleSpins()
    {
        return agentIdleSpins;
    }

    public ControllerContext agentIdleSpins(final int agentIdleSpins)
    {
        this.agentIdleSpins = agentIdleSpins;
        return this;
    }

    /**
     * @return polls of its sockets an agent with nothing to do makes after those, each after a yield, before it
     * sleeps on them, with {@link AgentIdle#SELECT}.
     */
    public int agentIdleYields()
    {
        return agentIdleYields;
    }

    public ControllerContext agentIdleYields(final int agentIdleYields)
    {
        this.agentIdleYields = agentIdleYields;
        return this;
    }

    /**
     * @return how a new controller's agent idles, as {@link #agentIdle()} says; the controller closes it.
     */
    public AgentIdling newAgentIdling()
    {
        return new AgentIdling(agentIdle, agentIdleSpins, agentIdleYields);
    }

    /**
     * The interconnect of this controller's role: the primary sends, the secondary receives. Each controller has
     * ports of its own, {@link #pathCount()} from each base: data ports from {@code dataPortBase + id * pathCount}
     * (bound by that controller as receiver), ack ports from {@code ackPortBase + id * pathCount} (bound as
     * sender). So on one host a controller that has just changed role never binds a port its partner, changing
     * role at the same moment, has not let go of yet.
     *
     * @param sender  true for the primary's end.
     * @param watcher what the agent stepping the endpoint through its invoker sleeps on, or null: with one, the
     *                media driver runs in that agent's duty cycle and its sockets wake it.
     * @return {@link #newInterconnect(long)} with the ports of this pair of roles, stepped by that agent.
     */
    public InterconnectContext newInterconnect(final long epoch, final boolean sender, final ChannelWatcher watcher)
    {
        final int senderId = sender ? controllerId : partnerId();
        final int receiverId = sender ? partnerId() : controllerId;
        final InterconnectContext interconnect = newInterconnect(epoch).useAgentInvoker(true)
            .dataPortBase(dataPortBase + receiverId * pathCount)
            .ackPortBase(ackPortBase + senderId * pathCount);
        if (null != watcher)
        {
            interconnect.invokedDriver(true).channelWatcher(watcher);
        }
        return interconnect;
    }

    public InterconnectContext newInterconnect(final long epoch)
    {
        return new InterconnectContext()
            .directory(aeronDir)
            .endpointName("tandem-" + platform.run().pid() + "-controller-" + controllerId + "-epoch-" + epoch)
            .clusterId(clusterId)
            .epoch(epoch)
            .driverSpares(null == roleHandoff ? null : roleHandoff.driverSpares())
            .retiredEndpoints(null == roleHandoff ? null : roleHandoff.retiredEndpoints())
            .nanoClock(nanoClock)
            .pathCount(pathCount)
            .pathAddresses(pathAddresses)
            .dataPortBase(dataPortBase)
            .ackPortBase(ackPortBase)
            .maxRecordLength(Math.max(InterconnectContext.MAX_RECORD_LENGTH_DEFAULT,
                LogRecord.alignedLength(stripeSize)));
    }

    /**
     * @return interconnect paths, 1 to 8.
     */
    public int pathCount()
    {
        return pathCount;
    }

    public ControllerContext pathCount(final int pathCount)
    {
        this.pathCount = pathCount;
        return this;
    }

    /**
     * @return comma-separated loopback addresses, one per path (or one for all).
     */
    public String pathAddresses()
    {
        return pathAddresses;
    }

    public ControllerContext pathAddresses(final String pathAddresses)
    {
        this.pathAddresses = pathAddresses;
        return this;
    }

    public int dataPortBase()
    {
        return dataPortBase;
    }

    public ControllerContext dataPortBase(final int dataPortBase)
    {
        this.dataPortBase = dataPortBase;
        return this;
    }

    public int ackPortBase()
    {
        return ackPortBase;
    }

    public ControllerContext ackPortBase(final int ackPortBase)
    {
        this.ackPortBase = ackPortBase;
        return this;
    }

    /**
     * @return where the interconnect's Aeron directories go (each session makes its own inside and deletes it).
     */
    public Path aeronDir()
    {
        return aeronDir;
    }

    public ControllerContext aeronDir(final Path aeronDir)
    {
        this.aeronDir = aeronDir;
        return this;
    }

    public MirrorLossPolicy mirrorLossPolicy()
    {
        return mirrorLossPolicy;
    }

    public ControllerContext mirrorLossPolicy(final MirrorLossPolicy mirrorLossPolicy)
    {
        this.mirrorLossPolicy = mirrorLossPolicy;
        return this;
    }

    /**
     * @return how long no path may be up before policy {@link MirrorLossPolicy#CONTINUE} acts.
     */
    public long mirrorLossGraceMs()
    {
        return mirrorLossGraceMs;
    }

    public ControllerContext mirrorLossGraceMs(final long mirrorLossGraceMs)
    {
        this.mirrorLossGraceMs = mirrorLossGraceMs;
        return this;
    }

    /**
     * @return true when the primary starts with its partner gone (after a takeover): it acknowledges from its
     * own NVLog until the partner returns and is resynced.
     */
    public boolean startWithoutMirror()
    {
        return startWithoutMirror;
    }

    public ControllerContext startWithoutMirror(final boolean startWithoutMirror)
    {
        this.startWithoutMirror = startWithoutMirror;
        return this;
    }

    /**
     * @return the epoch at which the partner handed the pool to this controller (a giveback), or 0: the primary
     * serves at that epoch if the pool still names it there, without taking the pool again. The partner let go of
     * the pool at an older epoch, which the handed one fences, and named this controller its owner: nobody else
     * writes at it. Serving at it spares a forced superblock write, and lets the partner's first mirror session,
     * started at the handed epoch, be the one that lasts.
     */
    public long handedEpoch()
    {
        return handedEpoch;
    }

    public ControllerContext handedEpoch(final long handedEpoch)
    {
        this.handedEpoch = handedEpoch;
        return this;
    }

    /**
     * @return what the process measures across its roles (request latency, takeover and giveback steps), shared by
     * every copy of this context; null (the default) to measure none of it.
     */
    public io.tandem.controller.metrics.ControllerTelemetry telemetry()
    {
        return telemetry;
    }

    public ControllerContext telemetry(final io.tandem.controller.metrics.ControllerTelemetry telemetry)
    {
        this.telemetry = telemetry;
        return this;
    }

    /**
     * @return what the controller keeps from one role to the next (its open NVLog, spare media drivers); null (the
     * default) for a role that opens everything itself. Owned by whoever runs the controller's roles, which
     * closes it.
     */
    public RoleHandoff roleHandoff()
    {
        return roleHandoff;
    }

    public ControllerContext roleHandoff(final RoleHandoff roleHandoff)
    {
        this.roleHandoff = roleHandoff;
        return this;
    }

    /**
     * @return where the controller records what happens to it; null for none.
     */
    public EventJournal journal()
    {
        return journal;
    }

    public ControllerContext journal(final EventJournal journal)
    {
        this.journal = journal;
        return this;
    }

    /**
     * @return how old the partner's mailbox heartbeat may be before it counts as stale.
     */
    public long partnerStaleMs()
    {
        return partnerStaleMs;
    }

    public ControllerContext partnerStaleMs(final long partnerStaleMs)
    {
        this.partnerStaleMs = partnerStaleMs;
        return this;
    }

    /**
     * @return how long a write waits for a consistency point while they fail on a full pool before it fails with
     * ENOSPC; default {@link #NO_SPACE_WAIT_MS_DEFAULT}.
     */
    public long noSpaceWaitMs()
    {
        return noSpaceWaitMs;
    }

    public ControllerContext noSpaceWaitMs(final long noSpaceWaitMs)
    {
        this.noSpaceWaitMs = noSpaceWaitMs;
        return this;
    }

    /**
     * @return how long a giveback may take to quiesce and hand over before it aborts and the primary serves again.
     */
    public long givebackTimeoutMs()
    {
        return givebackTimeoutMs;
    }

    public ControllerContext givebackTimeoutMs(final long givebackTimeoutMs)
    {
        this.givebackTimeoutMs = givebackTimeoutMs;
        return this;
    }

    /**
     * @return where the controller reports a fault it cannot serve through; one per process, shared by every
     * role (copies share it). Default: one that only records the fault, for controllers run in tests and tools;
     * the launcher sets one that exits the process.
     */
    public ControllerHealth health()
    {
        return health;
    }

    public ControllerContext health(final ControllerHealth health)
    {
        this.health = health;
        return this;
    }

    /**
     * @return the settings both controllers must agree on, recorded in and checked against the pool.
     */
    public PairSettings pairSettings()
    {
        return new PairSettings(stripeSize, newInterconnect(0).streamCount(), nvramCapacity,
            (int)heartbeatIntervalMs, (int)partnerStaleMs);
    }

    /**
     * @return the pool's context with this controller's settings.
     */
    public PoolContext newPool()
    {
        final PoolContext pool = new PoolContext().dir(poolDir()).clusterId(clusterId).volumeSize(volumeSize)
            .epochClock(epochClock).pairSettings(pairSettings()).volumeWrapper(platform::poolVolume)
            .chunkSize(poolChunkSize).memberLocations(poolMembers);
        pool.arrayListener((slot, member, from, age) ->
        {
            if (null != journal)
            {
                journal.diskChange((slot < 0 ? "spare " : "disk " + slot + " ") + member.name(), member.state().name(),
                    age, "was " + (null == from ? "not in the array" : from.name()) +
                    (member.reason().isEmpty() ? "" : ": " + member.reason()));
            }
        });
        return null == poolLayout ? pool : pool.layout(poolLayout);
    }

    /**
     * @return a new error handler for the controller's agent: counts and keeps its errors, and reports those
     * that end the agent to {@link #health()}. After {@link #conclude()}.
     */
    public CountedErrorLog newErrorLog()
    {
        return new CountedErrorLog(errorLogLength, epochClock, health::onAgentError);
    }

    /**
     * @return an unconcluded copy of every setting, for the next role this controller runs.
     */
    public ControllerContext copy()
    {
        final ControllerContext copy = new ControllerContext();
        copy.controllerId = controllerId;
        copy.dataDir = dataDir;
        copy.clusterId = clusterId;
        copy.bindAddress = bindAddress;
        copy.nbdPort = nbdPort;
        copy.serviceAddress = serviceAddress;
        copy.partnerExitWatch = partnerExitWatch;
        copy.controlPort = controlPort;
        copy.volumeSize = volumeSize;
        copy.poolLayout = poolLayout;
        copy.poolChunkSize = poolChunkSize;
        copy.poolMembers = poolMembers;
        copy.rebuildMinRate = rebuildMinRate;
        copy.rebuildMaxRate = rebuildMaxRate;
        copy.nvramCapacity = nvramCapacity;
        copy.nvramMemoryDir = nvramMemoryDir;
        copy.durability = durability;
        copy.cacheCapacity = cacheCapacity;
        copy.stripeSize = stripeSize;
        copy.cpIntervalMs = cpIntervalMs;
        copy.heartbeatIntervalMs = heartbeatIntervalMs;
        copy.poolWatchMs = poolWatchMs;
        copy.pathCount = pathCount;
        copy.pathAddresses = pathAddresses;
        copy.dataPortBase = dataPortBase;
        copy.ackPortBase = ackPortBase;
        copy.aeronDir = aeronDir;
        copy.mirrorLossPolicy = mirrorLossPolicy;
        copy.mirrorLossGraceMs = mirrorLossGraceMs;
        copy.agentIdle = agentIdle;
        copy.agentIdleSpins = agentIdleSpins;
        copy.nbdCoalesceDepth = nbdCoalesceDepth;
        copy.nbdCoalesceWindowNs = nbdCoalesceWindowNs;
        copy.agentIdleYields = agentIdleYields;
        copy.partnerStaleMs = partnerStaleMs;
        copy.givebackTimeoutMs = givebackTimeoutMs;
        copy.startWithoutMirror = startWithoutMirror;
        copy.handedEpoch = handedEpoch;
        copy.journal = journal;
        copy.roleHandoff = roleHandoff;
        copy.telemetry = telemetry;
        copy.noSpaceWaitMs = noSpaceWaitMs;
        copy.errorLogLength = errorLogLength;
        copy.health = health;
        copy.nanoClock = nanoClock;
        copy.epochClock = epochClock;
        copy.platform = platform;
        return copy;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public ControllerContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    public ControllerContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /**
     * @return true when the controller's agent steps its NVRAM flusher itself instead of giving it a thread: at
     * {@code process} durability a commit is a {@code pwrite} of a few microseconds, cheaper than handing every
     * write to another thread and back on two cores. At {@code power} the force would block the agent, so the
     * flusher keeps its thread, unless the platform gives none ({@link ControllerPlatform#threadsOfItsOwn()}: a
     * simulation steps everything).
     */
    public boolean stepsNvramFlusher()
    {
        return Durability.PROCESS == durability || !platform.threadsOfItsOwn();
    }

    public long heartbeatIntervalNs()
    {
        return TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
    }
}
