package io.tandem.recovery.journal;

import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;

/**
 * Configuration of an {@link EventJournal} or an {@link EventJournalReader}, concluded once when it is opened.
 * Every setting has a default that works with no configuration, read from a system property where one is named.
 * <p>
 * Not thread-safe: fill it on one thread, then open the journal with it.
 */
public final class EventJournalContext
{
    public static final String DIRECTORY_PROP_NAME = "tandem.journal.dir";
    public static final String DIRECTORY_DEFAULT = "tandem-journal";

    public static final String CONTROLLER_ID_PROP_NAME = "tandem.controller.id";
    public static final int CONTROLLER_ID_DEFAULT = 1;

    public static final String ROLL_CYCLE_PROP_NAME = "tandem.journal.rollCycle";
    /** One file a day: an audit trail is small, and fewer files open faster. */
    public static final String ROLL_CYCLE_DEFAULT = RollCycles.FAST_DAILY.name();

    public static final String BLOCK_SIZE_PROP_NAME = "tandem.journal.blockSize";
    /** The unit Chronicle maps the queue file in; events are a few hundred bytes. */
    public static final long BLOCK_SIZE_DEFAULT = 1L << 20;

    private Path directory = Path.of(System.getProperty(DIRECTORY_PROP_NAME, DIRECTORY_DEFAULT));
    private int controllerId = Integer.getInteger(CONTROLLER_ID_PROP_NAME, CONTROLLER_ID_DEFAULT);
    private String rollCycle = System.getProperty(ROLL_CYCLE_PROP_NAME, ROLL_CYCLE_DEFAULT);
    private long blockSize = Long.getLong(BLOCK_SIZE_PROP_NAME, BLOCK_SIZE_DEFAULT);
    private long epoch;
    private EpochClock epochClock;
    private boolean concluded;

    /**
     * Checks every setting and fills the defaults that need objects.
     *
     * @return this.
     * @throws IllegalArgumentException naming the setting that is wrong.
     */
    public EventJournalContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        if (null == directory)
        {
            throw new IllegalArgumentException("directory must be set");
        }
        try
        {
            RollCycles.valueOf(rollCycle);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("rollCycle is not a RollCycles name: " + rollCycle, ex);
        }
        if (blockSize < 64 * 1024)
        {
            throw new IllegalArgumentException("blockSize must be >= 64 KiB: " + blockSize);
        }
        if (epoch < 0)
        {
            throw new IllegalArgumentException("epoch must be >= 0: " + epoch);
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        concluded = true;
        return this;
    }

    /**
     * @return the queue's directory; created if missing.
     */
    public Path directory()
    {
        return directory;
    }

    public EventJournalContext directory(final Path directory)
    {
        this.directory = directory;
        return this;
    }

    /**
     * @return the controller whose journal this is, stamped on every event.
     */
    public int controllerId()
    {
        return controllerId;
    }

    public EventJournalContext controllerId(final int controllerId)
    {
        this.controllerId = controllerId;
        return this;
    }

    /**
     * @return the name of a Chronicle {@link RollCycles}; an existing queue keeps the cycle it was made with.
     */
    public String rollCycle()
    {
        return rollCycle;
    }

    public EventJournalContext rollCycle(final String rollCycle)
    {
        this.rollCycle = rollCycle;
        return this;
    }

    public long blockSize()
    {
        return blockSize;
    }

    public EventJournalContext blockSize(final long blockSize)
    {
        this.blockSize = blockSize;
        return this;
    }

    /**
     * @return the epoch stamped on events until {@link EventJournal#epochChange} records a new one.
     */
    public long epoch()
    {
        return epoch;
    }

    public EventJournalContext epoch(final long epoch)
    {
        this.epoch = epoch;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * @param epochClock stamps events' wall time.
     */
    public EventJournalContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }
}
