package io.tandem.controller.errors;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountedErrorLogTest
{
    private long nowMs = 1_000;

    @Test
    void keepsAnErrorRepeatedEveryDutyCycleOnceWithItsCountAndTimes()
    {
        final CountedErrorLog errors = new CountedErrorLog(CountedErrorLog.BUFFER_LENGTH_DEFAULT, () -> nowMs, null);
        for (int cycle = 0; cycle < 1_000; cycle++)
        {
            errors.onError(sameSite(new IOException("pool read failed")));
            nowMs++;
        }

        assertEquals(1_000, errors.count());
        assertEquals(1, errors.distinctCount());
        final String status = status(errors);
        assertTrue(status.startsWith("errors.count=1000\nerrors.distinct=1\n"), status);
        assertTrue(status.contains("error.0=1000 x first 1000 last 1999: java.io.IOException: pool read failed | at "),
            status);
    }

    @Test
    void keepsDistinctErrorsApartAndListsTheLatestFirst()
    {
        final CountedErrorLog errors = new CountedErrorLog(CountedErrorLog.BUFFER_LENGTH_DEFAULT, () -> nowMs, null);
        errors.onError(sameSite(new IOException("a")));
        nowMs += 10;
        errors.onError(sameSite(new IllegalStateException("b")));
        nowMs += 10;
        errors.onError(sameSite(new IOException("a")));

        assertEquals(3, errors.count());
        assertEquals(2, errors.distinctCount());
        final String status = status(errors);
        assertTrue(status.contains("error.0=2 x first 1000 last 1020: java.io.IOException: a"), status);
        assertTrue(status.contains("error.1=1 x first 1010 last 1010: java.lang.IllegalStateException: b"), status);
    }

    @Test
    void printsNothingAndCountsWhatAFullBufferCannotKeep()
    {
        final PrintStream err = System.err;
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true));
        try
        {
            final CountedErrorLog errors = new CountedErrorLog(1024, () -> nowMs, null);
            for (int i = 0; i < 100; i++)
            {
                errors.onError(sameSite(new IOException("distinct " + i)));
            }
            assertEquals(100, errors.count());
            assertTrue(errors.dropped() > 0);
            assertEquals(100, errors.distinctCount() + errors.dropped());
            assertTrue(status(errors).contains("errors.dropped=" + errors.dropped() + "\n"));
        }
        finally
        {
            System.setErr(err);
        }
        assertEquals("", printed.toString());
    }

    @Test
    void passesEveryErrorOn()
    {
        final List<Throwable> seen = new ArrayList<>();
        final CountedErrorLog errors = new CountedErrorLog(CountedErrorLog.BUFFER_LENGTH_DEFAULT, () -> nowMs,
            seen::add);
        final OutOfMemoryError error = new OutOfMemoryError("Java heap space");
        errors.onError(error);
        assertEquals(1, seen.size());
        assertSame(error, seen.get(0));
    }

    /**
     * The same stack for every call, as a duty cycle failing at one place has.
     */
    private static Throwable sameSite(final Throwable error)
    {
        error.setStackTrace(new StackTraceElement[]{
            new StackTraceElement("io.tandem.primary.cache.ConsistencyPoint", "destage", "ConsistencyPoint.java", 1)});
        return error;
    }

    private static String status(final CountedErrorLog errors)
    {
        final StringBuilder out = new StringBuilder();
        errors.appendStatus(out);
        return out.toString();
    }
}
