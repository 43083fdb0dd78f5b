package io.tandem.cli;

import io.tandem.controller.ControllerContext;
import io.tandem.controller.nbd.NbdServerContext;
import io.tandem.raid.ArraySpec;
import io.tandem.staging.Durability;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The options `tandem primary` and `tandem secondary` share: where the pair keeps its data, its ports, sizes and
 * interconnect paths. Every one has a working default on loopback; {@code --config FILE} supplies any of them
 * from a properties file ({@link ConfigFile}), and options on the command line win over the file.
 * <p>
 * Not thread-safe: picocli fills it once.
 */
public final class ControllerOptions
{
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = ControllerContext.DATA_DIR_DEFAULT,
        description = "Where the pair keeps its pool (DIR/pool) and each controller its NVRAM " +
            "(DIR/controller-N) (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--nbd-port", paramLabel = "PORT",
        description = "NBD port (default: 10809 for controller 0, 10810 for controller 1; 0: any free port).")
    Integer nbdPort;

    @Option(names = "--service-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:10800",
        converter = ServiceAddressConverter.class,
        description = "The volume's address: only the controller that owns the pool listens on it, bound once its " +
            "takeover's fence is complete and let go of before a giveback hands the pool over, so clients that " +
            "reconnect (qemu with reconnect-delay, tandem workload) follow the volume; none for each controller's " +
            "own NBD port only. The same for both controllers (default: ${DEFAULT-VALUE}).")
    java.net.InetSocketAddress serviceAddress;

    @Option(names = "--partner-exit-watch", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Learn of the partner process's exit at once from this host (a lock the kernel lets go when " +
            "it exits), as a service processor reports a crashed controller, instead of waiting for its heartbeat " +
            "to go stale; a hung partner is still found by heartbeats. Both controllers on one host only " +
            "(default: on).")
    boolean partnerExitWatch;

    @Option(names = "--control-port", paramLabel = "PORT",
        description = "Control port `tandem ctl` talks to (default: the NBD port + 100).")
    Integer controlPort;

    @Option(names = "--volume-size", paramLabel = "SIZE", defaultValue = "1G", converter = ByteSizeConverter.class,
        description = "Size of the volume, the same for both controllers (default: ${DEFAULT-VALUE}).")
    long volumeSize;

    @Option(names = "--pool", paramLabel = "LAYOUT", converter = ArraySpecConverter.class,
        description = "Layout of a new pool: single (one volume file), raid0:N, raid1:N, raid5:N, raid6:N, " +
            "raid10:PxM, or arrays of arrays (raid1[raid5:3,raid5:3]), each with an optional +S spare " +
            "(e.g. raid5:4+1spare). A pool keeps the layout it was made with; left out, the pool's own is used " +
            "(a new pool: single).")
    ArraySpec poolLayout;

    @Option(names = "--pool-member", paramLabel = "NAME=PATH",
        description = "Where a member of a new array pool lies, if not in the pool's directory: its name " +
            "(disk-0.img, spare-0.img, disk-0-1.img) and a file or a block device path (its first blocks are " +
            "used). Repeat for each; the pool records them.")
    java.util.Map<String, Path> poolMembers;

    @Option(names = "--pool-chunk", paramLabel = "SIZE", defaultValue = "64K", converter = ByteSizeConverter.class,
        description = "Bytes of each member in a stripe of an array pool (default: ${DEFAULT-VALUE}).")
    long poolChunk;

    @Option(names = "--rebuild-min-rate", paramLabel = "SIZE", defaultValue = "16M",
        converter = ByteSizeConverter.class,
        description = "Bytes per second an array pool's rebuild (or scrub) moves while clients read or write, as " +
            "md's speed_limit_min (default: ${DEFAULT-VALUE}).")
    long rebuildMinRate;

    @Option(names = "--rebuild-max-rate", paramLabel = "SIZE", defaultValue = "2G",
        converter = ByteSizeConverter.class,
        description = "Bytes per second a rebuild moves at most, when clients are quiet (default: ${DEFAULT-VALUE}).")
    long rebuildMaxRate;

    @Option(names = "--nvram-size", paramLabel = "SIZE", defaultValue = "256M", converter = ByteSizeConverter.class,
        description = "Simulated NVRAM holding the NVLog, two halves (default: ${DEFAULT-VALUE}).")
    long nvramSize;

    @Option(names = "--durability", paramLabel = "LEVEL", defaultValue = "process",
        converter = DurabilityConverter.class,
        description = "What an acknowledged write survives: process (kill -9 of either JVM) or power " +
            "(also a power loss: the NVLog is forced before a write counts) (default: ${DEFAULT-VALUE}).")
    Durability durability;

    @Option(names = "--cache-size", paramLabel = "SIZE", defaultValue = "256M", converter = ByteSizeConverter.class,
        description = "Write cache (default: ${DEFAULT-VALUE}).")
    long cacheSize;

    @Option(names = "--paths", paramLabel = "N", defaultValue = "2",
        description = "Interconnect paths, 1 to 8 (default: ${DEFAULT-VALUE}).")
    int paths;

    @Option(names = "--path-addresses", paramLabel = "ADDR[,ADDR...]", defaultValue = "127.0.0.1",
        description = "Loopback address of each path (one for all, or one per path, e.g. " +
            "127.0.0.1,127.0.0.2) (default: ${DEFAULT-VALUE}).")
    String pathAddresses;

    @Option(names = "--data-port-base", paramLabel = "PORT", defaultValue = "24610",
        description = "UDP port of path 0's data channel into controller 0; path N uses base + N, controller 1's " +
            "start after controller 0's (base + paths) (default: ${DEFAULT-VALUE}).")
    int dataPortBase;

    @Option(names = "--ack-port-base", paramLabel = "PORT", defaultValue = "24630",
        description = "UDP port of path 0's ack channel into controller 0; path N uses base + N, controller 1's " +
            "start after controller 0's (default: ${DEFAULT-VALUE}).")
    int ackPortBase;

    @Option(names = "--cp-interval", paramLabel = "TIME", defaultValue = "5s", converter = DurationConverter.class,
        description = "Longest time between consistency points while writes arrive (default: ${DEFAULT-VALUE}).")
    java.time.Duration cpInterval;

    @Option(names = "--giveback-timeout", paramLabel = "TIME", defaultValue = "10s",
        converter = DurationConverter.class,
        description = "A giveback that cannot quiesce, take its consistency point and hand the pool over in this " +
            "time aborts, and the primary serves again (default: ${DEFAULT-VALUE}).")
    java.time.Duration givebackTimeout;

    private static final Path SHARED_MEMORY = Path.of("/dev/shm");

    @Option(names = "--nvram-memory", paramLabel = "DIR|none", converter = NvramMemoryConverter.class,
        description = "At process durability, keep the NVRAM's contents in named shared memory in DIR (a tmpfs), " +
            "so that a logged write is durable once copied in, with no pwrite; nvram.dev is brought up to date " +
            "when the controller stops cleanly. A controller that died finds its writes there when it restarts; " +
            "if the memory is gone (the machine restarted) it refuses to start and says how to accept the loss. " +
            "none: memory of the process's own, written back on every group commit (default: " +
            "/dev/shm/tandem-nvram where /dev/shm exists, else none).")
    String nvramMemory;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Where the interconnect's Aeron directories go (default: /dev/shm/tandem-interconnect, " +
            "or the system temp directory).")
    Path aeronDir;

    @Option(names = "--mirror-loss", paramLabel = "POLICY", defaultValue = "suspend",
        converter = MirrorLossConverter.class,
        description = "With every path down and the partner alive: suspend (hold writes until a path returns) or " +
            "continue (acknowledge without the mirror, recorded stale in the pool). A partner that is gone (its " +
            "heartbeat stale, or its exit reported by this host) is mirrored no more under either: the pool " +
            "records the mirror stale and writes go on (default: ${DEFAULT-VALUE}).")
    io.tandem.controller.ControllerContext.MirrorLossPolicy mirrorLoss;

    @Option(names = "--agent-idle", paramLabel = "MODE", defaultValue = "select", converter = AgentIdleConverter.class,
        description = "How the controller's thread waits for work: select (sleeps on its sockets, the interconnect's " +
            "media driver in the same thread) or backoff (spins and parks; the driver on a thread of its own) " +
            "(default: ${DEFAULT-VALUE}).")
    io.tandem.controller.ControllerContext.AgentIdle agentIdle;

    @Option(names = "--nbd-coalesce-depth", paramLabel = "N",
        defaultValue = "" + NbdServerContext.COALESCE_DEPTH_DEFAULT,
        description = "Request coalescing: while N requests are in flight, new ones are left in the socket to be " +
            "read as a batch, so the log, the mirror and the replies move in batches; 0 turns it off " +
            "(default: ${DEFAULT-VALUE}).")
    int nbdCoalesceDepth;

    @Option(names = "--nbd-coalesce-window", paramLabel = "TIME", defaultValue = "500us",
        converter = DurationConverter.class,
        description = "Longest a new request waits unread while coalescing, up to 100ms (default: ${DEFAULT-VALUE}).")
    java.time.Duration nbdCoalesceWindow;

    @Option(names = "--metrics-port", paramLabel = "PORT",
        description = "HTTP port of Prometheus metrics (/metrics) and the web console (/) (default: the NBD port + " +
            "200: 11009 for controller 0, 11010 for controller 1; 0: none).")
    Integer metricsPort;

    @Option(names = "--metrics-address", paramLabel = "ADDR", defaultValue = "127.0.0.1",
        description = "Address the metrics port listens on; the console controls the pair, so keep it on a " +
            "management network (default: ${DEFAULT-VALUE}).")
    String metricsAddress;

    @Option(names = "--partner-control", paramLabel = "HOST:PORT", converter = TargetConverter.class,
        description = "The partner's control port, for the console's picture of the pair and its buttons " +
            "(default: this controller's control port + 1 for controller 0, - 1 for controller 1).")
    java.net.InetSocketAddress partnerControl;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Properties file of these options (e.g. nbd-port=10811); the command line wins.")
    Path config;

    ControllerContext toContext(final int controllerId)
    {
        final ControllerContext ctx = new ControllerContext()
            .controllerId(controllerId)
            .dataDir(dataDir)
            .volumeSize(volumeSize)
            .poolLayout(poolLayout)
            .poolChunkSize((int)Math.min(Integer.MAX_VALUE, poolChunk))
            .poolMembers(null == poolMembers ? java.util.Map.of() : poolMembers)
            .rebuildRates(rebuildMinRate, rebuildMaxRate)
            .nvramCapacity(nvramSize)
            .durability(durability)
            .cacheCapacity(cacheSize)
            .pathCount(paths)
            .pathAddresses(pathAddresses)
            .dataPortBase(dataPortBase)
            .ackPortBase(ackPortBase)
            .cpIntervalMs(cpInterval.toMillis())
            .givebackTimeoutMs(givebackTimeout.toMillis())
            .mirrorLossPolicy(mirrorLoss)
            .agentIdle(agentIdle)
            .nbdCoalesceDepth(nbdCoalesceDepth)
            .nbdCoalesceWindowNs(nbdCoalesceWindow.toNanos());
        if (null != aeronDir)
        {
            ctx.aeronDir(aeronDir);
        }
        ctx.nvramMemoryDir(nvramMemoryDir());
        if (null != nbdPort)
        {
            ctx.nbdPort(nbdPort);
        }
        if (null != controlPort)
        {
            ctx.controlPort(controlPort);
        }
        ctx.serviceAddress(serviceAddress);
        ctx.partnerExitWatch(partnerExitWatch);
        return ctx;
    }

    /**
     * @return the directory {@code --nvram-memory} names, the default where there is a {@code /dev/shm}, or null.
     */
    Path nvramMemoryDir()
    {
        if (null == nvramMemory)
        {
            return java.nio.file.Files.isDirectory(SHARED_MEMORY) ? SHARED_MEMORY.resolve("tandem-nvram") : null;
        }
        return "none".equals(nvramMemory) ? null : Path.of(nvramMemory);
    }
}
