package io.tandem.secondary.takeover;

import io.tandem.controller.platform.ControllerPlatform;
import io.tandem.controller.platform.OsPlatform;
import io.tandem.controller.pool.MailboxFile;
import io.tandem.controller.pool.Ownership;
import io.tandem.controller.pool.Pool;
import io.tandem.nvlog.NvLog;
import io.tandem.recovery.graph.GraphEngineContext;
import io.tandem.recovery.journal.EventJournal;
import io.tandem.recovery.journal.EventJournalReader;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.function.Consumer;

/**
 * Configuration of one {@link Takeover}, concluded once by the takeover. The pool, the secondary's mirror log,
 * the partner's mailbox and this controller's id must be given; everything else has a default.
 * <p>
 * Not thread-safe: fill it on one thread, then hand it to the takeover.
 */
public final class TakeoverContext
{
    public static final String PARTNER_EXIT_TIMEOUT_PROP_NAME = "tandem.takeover.partnerExitTimeoutMs";
    /** How long the fence waits for a killed partner process to be gone before it fails. */
    public static final long PARTNER_EXIT_TIMEOUT_DEFAULT_MS = 5_000;

    public static final String STEP_TIMEOUT_PROP_NAME = "tandem.takeover.stepTimeoutMs";
    /** Each step's timeout: replaying a nearly full NVLog must fit in it. */
    public static final long STEP_TIMEOUT_DEFAULT_MS = 120_000;

    public static final String MAX_PARALLELISM_PROP_NAME = "tandem.takeover.maxParallelism";
    /** Steps run at once at most: an array pool's resync runs beside the scan and the replay. */
    public static final int MAX_PARALLELISM_DEFAULT = GraphEngineContext.MAX_PARALLELISM_DEFAULT;

    private Pool pool;
    private Ownership ownership;
    private NvLog mirrorLog;
    private MailboxFile partnerMailbox;
    private EventJournal journal;
    private EventJournalReader journalReader;
    private int controllerId = -1;
    private boolean forced;
    private long partnerExitTimeoutMs = Long.getLong(PARTNER_EXIT_TIMEOUT_PROP_NAME, PARTNER_EXIT_TIMEOUT_DEFAULT_MS);
    private long stepTimeoutMs = Long.getLong(STEP_TIMEOUT_PROP_NAME, STEP_TIMEOUT_DEFAULT_MS);
    private boolean forcePool = true;
    private int maxParallelism = Integer.getInteger(MAX_PARALLELISM_PROP_NAME, MAX_PARALLELISM_DEFAULT);
    private NanoClock nanoClock;
    private ControllerPlatform platform = OsPlatform.INSTANCE;
    private Consumer<String> stepHook;
    private boolean concluded;

    /**
     * Checks every setting and fills the defaults.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is missing or wrong.
     */
    public TakeoverContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        require(pool, "pool");
        require(mirrorLog, "mirrorLog");
        require(partnerMailbox, "partnerMailbox");
        if (controllerId < 0)
        {
            throw new IllegalArgumentException("controllerId must be set (0 or 1): " + controllerId);
        }
        if (partnerExitTimeoutMs < 1 || stepTimeoutMs < 1 || maxParallelism < 1)
        {
            throw new IllegalArgumentException("partnerExitTimeoutMs, stepTimeoutMs and maxParallelism must be > 0: " +
                partnerExitTimeoutMs + ", " + stepTimeoutMs + ", " + maxParallelism);
        }
        if (null == ownership)
        {
            ownership = new Ownership(pool.superblocks());
        }
        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (null == stepHook)
        {
            stepHook = step -> { };
        }
        concluded = true;
        return this;
    }

    private static void require(final Object value, final String name)
    {
        if (null == value)
        {
            throw new IllegalArgumentException("a takeover needs its " + name);
        }
    }

    /**
     * @return the pool to take: its volume is replayed into, its superblock fenced.
     */
    public Pool pool()
    {
        return pool;
    }

    public TakeoverContext pool(final Pool pool)
    {
        this.pool = pool;
        return this;
    }

    /**
     * @return who may write the pool; by default one over the pool's superblock.
     */
    public Ownership ownership()
    {
        return ownership;
    }

    public TakeoverContext ownership(final Ownership ownership)
    {
        this.ownership = ownership;
        return this;
    }

    /**
     * @return the secondary's copy of the partner's NVLog; nothing may append to or release it while the takeover
     * runs, because its streams are scanned from several threads.
     */
    public NvLog mirrorLog()
    {
        return mirrorLog;
    }

    public TakeoverContext mirrorLog(final NvLog mirrorLog)
    {
        this.mirrorLog = mirrorLog;
        return this;
    }

    /**
     * @return the partner's mailbox on the pool, whose process id the fence kills if that process still runs.
     */
    public MailboxFile partnerMailbox()
    {
        return partnerMailbox;
    }

    public TakeoverContext partnerMailbox(final MailboxFile partnerMailbox)
    {
        this.partnerMailbox = partnerMailbox;
        return this;
    }

    /**
     * @return where the takeover records its steps and each step's start and end; null to record nothing (then
     * an interrupted takeover cannot resume).
     */
    public EventJournal journal()
    {
        return journal;
    }

    public TakeoverContext journal(final EventJournal journal)
    {
        this.journal = journal;
        return this;
    }

    /**
     * @return a reader of this controller's journal, to resume an interrupted takeover from; null (the default)
     * to start afresh.
     */
    public EventJournalReader journalReader()
    {
        return journalReader;
    }

    public TakeoverContext journalReader(final EventJournalReader journalReader)
    {
        this.journalReader = journalReader;
        return this;
    }

    /**
     * @return the id of the controller taking over.
     */
    public int controllerId()
    {
        return controllerId;
    }

    public TakeoverContext controllerId(final int controllerId)
    {
        this.controllerId = controllerId;
        return this;
    }

    /**
     * @return true for a takeover on command that goes ahead even though the mirror is stale (and says what it
     * may lose); false (the default) for an automatic one, which refuses a stale mirror.
     */
    public boolean forced()
    {
        return forced;
    }

    public TakeoverContext forced(final boolean forced)
    {
        this.forced = forced;
        return this;
    }

    public long partnerExitTimeoutMs()
    {
        return partnerExitTimeoutMs;
    }

    public TakeoverContext partnerExitTimeoutMs(final long partnerExitTimeoutMs)
    {
        this.partnerExitTimeoutMs = partnerExitTimeoutMs;
        return this;
    }

    /**
     * @return whether the consistency point forces the replayed writes to the pool's medium before it records the
     * new CP LSN: at durability power, as the primary's own consistency points do. At durability process the pool's
     * page cache outlives the process, as the NVLog does, so the force buys nothing the CP relies on. Default true.
     */
    public boolean forcePool()
    {
        return forcePool;
    }

    public TakeoverContext forcePool(final boolean forcePool)
    {
        this.forcePool = forcePool;
        return this;
    }

    public long stepTimeoutMs()
    {
        return stepTimeoutMs;
    }

    public TakeoverContext stepTimeoutMs(final long stepTimeoutMs)
    {
        this.stepTimeoutMs = stepTimeoutMs;
        return this;
    }

    public int maxParallelism()
    {
        return maxParallelism;
    }

    public TakeoverContext maxParallelism(final int maxParallelism)
    {
        this.maxParallelism = maxParallelism;
        return this;
    }

    /**
     * @return how the partner's run is stopped and where the graph's actions run.
     */
    public ControllerPlatform platform()
    {
        return platform;
    }

    public TakeoverContext platform(final ControllerPlatform platform)
    {
        this.platform = platform;
        return this;
    }

    /**
     * @return times the steps.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public TakeoverContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * @return called on a step's thread as the step begins its work, with the step's name; for tests.
     */
    Consumer<String> stepHook()
    {
        return stepHook;
    }

    TakeoverContext stepHook(final Consumer<String> stepHook)
    {
        this.stepHook = stepHook;
        return this;
    }
}
