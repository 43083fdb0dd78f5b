package io.tandem.interconnect.status;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The counters of one interconnect endpoint, allocated in its media driver's counters file so another process
 * reads them while it runs ({@link InterconnectStatusReader}, AeronStat).
 * <p>
 * Every counter carries a key identifying it without parsing its label:
 * <pre>
 *  | role (32): 1 primary/sender, 2 secondary/receiver | index (32): path or stream, -1 endpoint-wide |
 * </pre>
 * and its type id says what it counts ({@code *_TYPE_ID} below).
 * <p>
 * Not thread-safe to create or close; the counters themselves are written by the owning duty cycle with release
 * stores and may be read from anywhere.
 */
public final class InterconnectCounters implements AutoCloseable
{
    public static final int ROLE_SENDER = 1;
    public static final int ROLE_RECEIVER = 2;

    public static final int KEY_ROLE_OFFSET = 0;
    public static final int KEY_INDEX_OFFSET = 4;
    public static final int KEY_LENGTH = 8;
    public static final ByteOrder KEY_BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** 1 while the path is up, 0 while down. */
    public static final int PATH_STATE_TYPE_ID = 7101;
    public static final int PATH_FRAMES_SENT_TYPE_ID = 7102;
    public static final int PATH_BYTES_SENT_TYPE_ID = 7103;
    public static final int PATH_FRAMES_RECEIVED_TYPE_ID = 7104;
    public static final int PATH_BYTES_RECEIVED_TYPE_ID = 7105;
    /** Records sent again on this path after a failover or an ack timeout. */
    public static final int PATH_RETRANSMITS_TYPE_ID = 7106;
    /** Times the path was declared down. */
    public static final int PATH_DOWN_EVENTS_TYPE_ID = 7107;
    /** Of those, the times it went down alone: silent while the partner's heartbeats came on another path. */
    public static final int PATH_ALONE_DOWN_EVENTS_TYPE_ID = 7108;

    public static final int REFUSED_MALFORMED_TYPE_ID = 7110;
    public static final int REFUSED_OTHER_CLUSTER_TYPE_ID = 7111;
    public static final int REFUSED_EPOCH_TYPE_ID = 7112;
    /** Receiver: records that arrived again after being handed on. Sender: acks for nothing outstanding. */
    public static final int DUPLICATES_TYPE_ID = 7113;
    /** Receiver: early records too far ahead to hold back (the sender resends them). */
    public static final int HOLD_BACK_REFUSED_TYPE_ID = 7114;
    public static final int LIVE_PATHS_TYPE_ID = 7115;
    /** Sender: offers refused because no path was live. */
    public static final int NO_LIVE_PATH_TYPE_ID = 7116;

    /** Sender: the next sequence the caller will offer. Receiver: the next sequence it waits for. */
    public static final int STREAM_NEXT_SEQUENCE_TYPE_ID = 7120;
    /** Sender: acknowledged by the secondary. Receiver: acknowledged to the primary. */
    public static final int STREAM_ACKED_SEQUENCE_TYPE_ID = 7121;
    /** Sender: records offered and not yet acknowledged. Receiver: records handed on, not yet durable. */
    public static final int STREAM_LAG_TYPE_ID = 7122;
    /** The path carrying the stream, -1 for none. Receiver: the path its last record came on. */
    public static final int STREAM_PATH_TYPE_ID = 7123;

    public final AtomicCounter[] pathState;
    public final AtomicCounter[] framesSent;
    public final AtomicCounter[] bytesSent;
    public final AtomicCounter[] framesReceived;
    public final AtomicCounter[] bytesReceived;
    public final AtomicCounter[] retransmits;
    public final AtomicCounter[] downEvents;
    public final AtomicCounter[] aloneDownEvents;
    public final AtomicCounter refusedMalformed;
    public final AtomicCounter refusedOtherCluster;
    public final AtomicCounter refusedEpoch;
    public final AtomicCounter duplicates;
    public final AtomicCounter holdBackRefused;
    public final AtomicCounter livePaths;
    public final AtomicCounter noLivePath;
    public final AtomicCounter[] nextSequence;
    public final AtomicCounter[] ackedSequence;
    public final AtomicCounter[] lag;
    public final AtomicCounter[] streamPath;

    /** Allocates one counter; the key is {@link #KEY_LENGTH} bytes at offset 0 of {@code key}. */
    @FunctionalInterface
    public interface CounterFactory
    {
        AtomicCounter newCounter(int typeId, DirectBuffer key, String label);
    }

    private static final long AWAIT_COUNTER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final CounterFactory factory;
    private final int role;
    private final String prefix;
    private final UnsafeBuffer key = new UnsafeBuffer(new byte[KEY_LENGTH]);

    /**
     * Counters in the counters file of the driver {@code aeron} is connected to, visible to other processes.
     * Each counter is a round trip to the driver, about a millisecond when the driver and the client conductor are
     * stepped by hand: the 50-odd counters of an endpoint are asked for all at once and then awaited, so that an
     * endpoint launched in a takeover's path costs one round trip, not fifty.
     *
     * @param driverInvoker steps an invoked driver while waiting, or null when it has a thread of its own.
     */
    public static InterconnectCounters inAeron(
        final Aeron aeron,
        final AgentInvoker driverInvoker,
        final int role,
        final String endpointName,
        final int pathCount,
        final int streamCount)
    {
        final java.util.ArrayList<Long> registrations = new java.util.ArrayList<>();
        final UnsafeBuffer placeholder = new UnsafeBuffer(new byte[CountersReader.COUNTER_LENGTH]);
        new InterconnectCounters( // asks for every counter, in the order the constructor takes them
            (typeId, key, label) ->
            {
                final UnsafeBuffer labelBuffer = new UnsafeBuffer(label.getBytes(StandardCharsets.US_ASCII));
                registrations.add(
                    aeron.asyncAddCounter(typeId, key, 0, KEY_LENGTH, labelBuffer, 0, labelBuffer.capacity()));
                return new AtomicCounter(placeholder, 0);
            },
            role, endpointName, pathCount, streamCount);
        final java.util.Iterator<Long> next = registrations.iterator();
        return new InterconnectCounters(
            (typeId, key, label) -> awaitCounter(aeron, driverInvoker, next.next()),
            role, endpointName, pathCount, streamCount);
    }

    private static AtomicCounter awaitCounter(
        final Aeron aeron, final AgentInvoker driverInvoker, final long registrationId)
    {
        final long deadlineNs = System.nanoTime() + AWAIT_COUNTER_TIMEOUT_NS;
        Counter counter;
        while (null == (counter = aeron.getCounter(registrationId)))
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("the media driver did not add counter " + registrationId + " in " +
                    TimeUnit.NANOSECONDS.toMillis(AWAIT_COUNTER_TIMEOUT_NS) + " ms");
            }
            if (null != driverInvoker)
            {
                driverInvoker.invoke();
            }
            final AgentInvoker conductor = aeron.conductorAgentInvoker();
            if (null != conductor)
            {
                conductor.invoke();
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        return counter;
    }

    /**
     * Counters in a local counters manager (tests that run the protocol without Aeron).
     */
    public static InterconnectCounters inManager(
        final CountersManager manager,
        final int role,
        final String endpointName,
        final int pathCount,
        final int streamCount)
    {
        return new InterconnectCounters(
            (typeId, key, label) ->
            {
                final UnsafeBuffer labelBuffer = new UnsafeBuffer(label.getBytes(StandardCharsets.US_ASCII));
                return manager.newCounter(typeId, key, 0, KEY_LENGTH, labelBuffer, 0, labelBuffer.capacity());
            },
            role, endpointName, pathCount, streamCount);
    }

    public InterconnectCounters(
        final CounterFactory factory,
        final int role,
        final String endpointName,
        final int pathCount,
        final int streamCount)
    {
        this.factory = factory;
        this.role = role;
        this.prefix = "tandem " + endpointName + (ROLE_SENDER == role ? " sender" : " receiver");
        pathState = perPath(PATH_STATE_TYPE_ID, pathCount, "state");
        framesSent = perPath(PATH_FRAMES_SENT_TYPE_ID, pathCount, "frames sent");
        bytesSent = perPath(PATH_BYTES_SENT_TYPE_ID, pathCount, "bytes sent");
        framesReceived = perPath(PATH_FRAMES_RECEIVED_TYPE_ID, pathCount, "frames received");
        bytesReceived = perPath(PATH_BYTES_RECEIVED_TYPE_ID, pathCount, "bytes received");
        retransmits = perPath(PATH_RETRANSMITS_TYPE_ID, pathCount, "retransmits");
        downEvents = perPath(PATH_DOWN_EVENTS_TYPE_ID, pathCount, "down events");
        aloneDownEvents = perPath(PATH_ALONE_DOWN_EVENTS_TYPE_ID, pathCount, "down alone events");
        refusedMalformed = add(REFUSED_MALFORMED_TYPE_ID, -1, prefix + " refused malformed");
        refusedOtherCluster = add(REFUSED_OTHER_CLUSTER_TYPE_ID, -1, prefix + " refused other cluster");
        refusedEpoch = add(REFUSED_EPOCH_TYPE_ID, -1, prefix + " refused epoch");
        duplicates = add(DUPLICATES_TYPE_ID, -1, prefix + " duplicates");
        holdBackRefused = add(HOLD_BACK_REFUSED_TYPE_ID, -1, prefix + " hold-back refused");
        livePaths = add(LIVE_PATHS_TYPE_ID, -1, prefix + " live paths");
        noLivePath = add(NO_LIVE_PATH_TYPE_ID, -1, prefix + " offers with no live path");
        nextSequence = perStream(STREAM_NEXT_SEQUENCE_TYPE_ID, streamCount, "next sequence");
        ackedSequence = perStream(STREAM_ACKED_SEQUENCE_TYPE_ID, streamCount, "acked sequence");
        lag = perStream(STREAM_LAG_TYPE_ID, streamCount, "lag");
        streamPath = perStream(STREAM_PATH_TYPE_ID, streamCount, "path");
    }

    public static int role(final DirectBuffer keyBuffer, final int offset)
    {
        return keyBuffer.getInt(offset + KEY_ROLE_OFFSET, KEY_BYTE_ORDER);
    }

    public static int index(final DirectBuffer keyBuffer, final int offset)
    {
        return keyBuffer.getInt(offset + KEY_INDEX_OFFSET, KEY_BYTE_ORDER);
    }

    /**
     * @return true for the type ids this class allocates.
     */
    public static boolean isInterconnectType(final int typeId)
    {
        return typeId >= PATH_STATE_TYPE_ID && typeId <= STREAM_PATH_TYPE_ID;
    }

    public void close()
    {
        CloseHelper.closeAll(pathState);
        CloseHelper.closeAll(framesSent);
        CloseHelper.closeAll(bytesSent);
        CloseHelper.closeAll(framesReceived);
        CloseHelper.closeAll(bytesReceived);
        CloseHelper.closeAll(retransmits);
        CloseHelper.closeAll(downEvents);
        CloseHelper.closeAll(aloneDownEvents);
        CloseHelper.closeAll(refusedMalformed, refusedOtherCluster, refusedEpoch, duplicates, holdBackRefused,
            livePaths, noLivePath);
        CloseHelper.closeAll(nextSequence);
        CloseHelper.closeAll(ackedSequence);
        CloseHelper.closeAll(lag);
        CloseHelper.closeAll(streamPath);
    }

    private AtomicCounter[] perPath(final int typeId, final int count, final String what)
    {
        final AtomicCounter[] counters = new AtomicCounter[count];
        for (int i = 0; i < count; i++)
        {
            counters[i] = add(typeId, i, prefix + " path " + i + " " + what);
        }
        return counters;
    }

    private AtomicCounter[] perStream(final int typeId, final int count, final String what)
    {
        final AtomicCounter[] counters = new AtomicCounter[count];
        for (int i = 0; i < count; i++)
        {
            counters[i] = add(typeId, i, prefix + " stream " + i + " " + what);
        }
        return counters;
    }

    private AtomicCounter add(final int typeId, final int index, final String label)
    {
        key.putInt(KEY_ROLE_OFFSET, role, KEY_BYTE_ORDER);
        key.putInt(KEY_INDEX_OFFSET, index, KEY_BYTE_ORDER);
        return factory.newCounter(typeId, key, label);
    }
}
