package io.tandem.controller.errors;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorLogReader;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The error handler of a controller's agent, as Aeron's CountedErrorHandler over a {@link DistinctErrorLog}: every
 * error is counted, and each distinct one (same type, message and stack) is kept once in an off-heap buffer with
 * how often it was seen and when first and last, however often the duty cycle meets it again. Nothing is printed:
 * a fault repeated on every duty cycle costs a comparison, not a stack trace on stderr. An error that finds the
 * buffer full is counted as dropped.
 * <p>
 * Each error is then passed to {@code next} (the {@link ControllerHealth}, which decides whether it is fatal).
 * <p>
 * Thread-safe: any thread may report errors (DistinctErrorLog serialises new entries) and render the status.
 */
public final class CountedErrorLog implements ErrorHandler
{
    /** Bytes kept for distinct errors, stack traces included. */
    public static final String BUFFER_LENGTH_PROP_NAME = "tandem.errors.bufferLength";
    public static final int BUFFER_LENGTH_DEFAULT = 64 * 1024;

    /** Distinct errors {@link #appendStatus(StringBuilder)} lists, most recently seen first. */
    static final int STATUS_ERRORS = 10;

    private final AtomicBuffer buffer;
    private final DistinctErrorLog log;
    private final ErrorHandler next;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param bufferLength bytes for the distinct errors (a multiple of 8); see {@link #BUFFER_LENGTH_PROP_NAME}.
     * @param epochClock   stamps first and last observations.
     * @param next         told of every error after it was counted, or null.
     */
    public CountedErrorLog(final int bufferLength, final EpochClock epochClock, final ErrorHandler next)
    {
        if (bufferLength < 1024 || 0 != (bufferLength & 7))
        {
            throw new IllegalArgumentException("bufferLength must be a multiple of 8 >= 1024: " + bufferLength);
        }
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bufferLength));
        this.log = new DistinctErrorLog(buffer, epochClock);
        this.next = next;
    }

    public void onError(final Throwable error)
    {
        count.incrementAndGet();
        if (!log.record(error))
        {
            dropped.incrementAndGet();
        }
        if (null != next)
        {
            next.onError(error);
        }
    }

    /**
     * @return errors reported so far, repeats included.
     */
    public long count()
    {
        return count.get();
    }

    /**
     * @return errors not kept because the buffer was full (still counted in {@link #count()}).
     */
    public long dropped()
    {
        return dropped.get();
    }

    /**
     * @return distinct errors kept.
     */
    public int distinctCount()
    {
        return ErrorLogReader.read(buffer, (observations, firstMs, lastMs, encoded) -> {});
    }

    /**
     * The buffer the distinct errors are kept in, in {@link DistinctErrorLog}'s format: read it with
     * {@link ErrorLogReader}.
     */
    public AtomicBuffer buffer()
    {
        return buffer;
    }

    /**
     * Appends, each line ending in a newline: {@code errors.count=N}, {@code errors.distinct=M},
     * {@code errors.dropped=K} when some were, and for each of the {@value #STATUS_ERRORS} most recently seen
     * distinct errors {@code error.I=COUNT x first F last L: first line of the error | its first stack frame},
     * times in epoch ms. Allocates: for the status, not a duty cycle.
     */
    public void appendStatus(final StringBuilder out)
    {
        out.append("errors.count=").append(count.get()).append('\n');
        final int distinct = distinctCount();
        out.append("errors.distinct=").append(distinct).append('\n');
        final long droppedNow = dropped.get();
        if (droppedNow > 0)
        {
            out.append("errors.dropped=").append(droppedNow).append('\n');
        }
        if (0 == distinct)
        {
            return;
        }
        final String[] lines = new String[distinct];
        final long[] lastSeenMs = new long[distinct];
        final int[] index = {0};
        ErrorLogReader.read(buffer, (observations, firstMs, lastMs, encoded) ->
        {
            if (index[0] < lines.length)
            {
                lines[index[0]] = observations + " x first " + firstMs + " last " + lastMs + ": " + summary(encoded);
                lastSeenMs[index[0]] = lastMs;
                index[0]++;
            }
        });
        final Integer[] order = new Integer[index[0]];
        for (int i = 0; i < order.length; i++)
        {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(lastSeenMs[b], lastSeenMs[a]));
        for (int i = 0; i < Math.min(order.length, STATUS_ERRORS); i++)
        {
            out.append("error.").append(i).append('=').append(lines[order[i]]).append('\n');
        }
    }

    /**
     * @return the first line of an encoded error (its type and message) and its first stack frame, on one line.
     */
    static String summary(final String encoded)
    {
        final String[] lines = encoded.split("\\R");
        final StringBuilder out = new StringBuilder(lines[0].trim());
        for (int i = 1; i < lines.length; i++)
        {
            final String line = lines[i].trim();
            if (line.startsWith("at "))
            {
                out.append(" | ").append(line);
                break;
            }
        }
        return out.toString();
    }
}
