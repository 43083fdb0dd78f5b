package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Follows an operation {@code tandem ctl} started on a controller until it ends, drawing its progress: a takeover
 * (fence, scans, replays, CP), a giveback (its consistency points, then the partner serving) or a consistency point
 * (pages written of the CP's). Every decision reads the controllers' typed JSON status: role, mode, transition
 * names and counters, never the text.
 * <p>
 * Not thread-safe: one per command.
 */
final class OperationWatch
{
    /** A snapshot of what the watch compares against: taken before the operation is asked for. */
    record Before(long takeoversStarted, long takeoversRefused, long transitions, long cpCount, long cpFailed,
        boolean cpRunning)
    {
        static Before of(final JsonNode status)
        {
            return null == status ? new Before(0, 0, 0, 0, 0, false) : new Before(
                status.path("takeover.started").asLong(), status.path("takeover.refused").asLong(),
                status.path("mirror.transitions").asLong(), status.path("cp.count").asLong(),
                status.path("cp.failed").asLong(), status.path("cp.running").asBoolean());
        }
    }

    private static final long POLL_MS = 100;

    private final Function<InetSocketAddress, JsonNode> probe;
    private final ProgressLine line;
    private final long timeoutNs;
    private final long startNs = System.nanoTime();

    OperationWatch(final Function<InetSocketAddress, JsonNode> probe, final ProgressLine line, final long timeoutMs)
    {
        this.probe = probe;
        this.line = line;
        this.timeoutNs = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    /**
     * Until the secondary serves as primary, or its takeover is refused or fails.
     */
    int takeover(final InetSocketAddress secondary, final Before before) throws InterruptedException
    {
        while (true)
        {
            final JsonNode status = probe.apply(secondary);
            if (null != status)
            {
                if ("primary".equals(status.path("role").asText()))
                {
                    line.finish("took over: serving at epoch " + status.path("epoch").asLong() + " (" + elapsedMs() +
                        " ms after the request)");
                    return ExitCodes.OK;
                }
                if (status.path("takeover.refused").asLong() > before.takeoversRefused())
                {
                    line.finish(status.path("takeover.last").asText("takeover refused"));
                    return ExitCodes.FAILED;
                }
                final boolean started = status.path("takeover.started").asLong() > before.takeoversStarted();
                if (started && "TAKEOVER_FAILED".equals(status.path("mode").asText()))
                {
                    line.finish(status.path("takeover.last").asText("the takeover failed"));
                    return ExitCodes.FAILED;
                }
                if (status.has("takeover.steps"))
                {
                    final long done = status.path("takeover.stepsDone").asLong();
                    final long steps = status.path("takeover.steps").asLong();
                    final long replayed = status.path("takeover.replayedBytes").asLong();
                    final long toReplay = status.path("takeover.toReplayBytes").asLong();
                    final String running = status.path("takeover.running").asText();
                    line.show("takeover: " + (running.isEmpty() ? "step " + done + " of " + steps : running),
                        toReplay > 0 ? (double)replayed / toReplay : (double)done / Math.max(1, steps),
                        toReplay > 0 ? ProgressLine.megabytes(replayed) + " of " + ProgressLine.megabytes(toReplay) +
                            " MB replayed" : "step " + done + " of " + steps);
                }
                else
                {
                    line.show(started ? "takeover: the primary role starts" : "takeover: starting", started ? 1 : 0,
                        "");
                }
            }
            if (timedOut("the takeover"))
            {
                return ExitCodes.FAILED;
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * Until the partner serves as primary, or the giveback is aborted and the primary serves again.
     */
    int giveback(final InetSocketAddress primary, final InetSocketAddress partner, final Before before)
        throws InterruptedException
    {
        while (true)
        {
            final JsonNode taker = null == partner ? null : probe.apply(partner);
            if (null != taker && "primary".equals(taker.path("role").asText()))
            {
                line.finish("given back: controller " + taker.path("controller").asLong() + " serves at epoch " +
                    taker.path("epoch").asLong() + " (" + elapsedMs() + " ms after the request)");
                return ExitCodes.OK;
            }
            final JsonNode giver = probe.apply(primary);
            if (null != giver && "primary".equals(giver.path("role").asText()))
            {
                final String last = giver.path("mirror.lastTransition").asText();
                if (giver.path("mirror.transitions").asLong() > before.transitions() &&
                    ("GIVEBACK_ABORTED".equals(last) || "GIVEBACK_PATHS_LOST".equals(last)))
                {
                    line.finish("giveback aborted, the primary serves again: " + giver.path("mirror.last").asText());
                    return ExitCodes.FAILED;
                }
                if ("GIVEBACK".equals(giver.path("mirror").asText()))
                {
                    showCp("giveback: consistency point", giver);
                }
            }
            else if (null != giver)
            {
                line.show("giveback: the partner takes the pool", 1, "");
            }
            if (timedOut("the giveback"))
            {
                return ExitCodes.FAILED;
            }
            Thread.sleep(POLL_MS);
        }
    }

    /**
     * Until a consistency point started after the request completes, or one fails.
     */
    int consistencyPoint(final InetSocketAddress primary, final Before before) throws InterruptedException
    {
        // a CP already running when asked for may not hold the writes acknowledged before the request: wait for
        // the next one too
        final long wanted = before.cpCount() + (before.cpRunning() ? 2 : 1);
        while (true)
        {
            final JsonNode status = probe.apply(primary);
            if (null != status)
            {
                if (status.path("cp.count").asLong() >= wanted)
                {
                    line.finish("consistency point done: CP LSN " + status.path("cp.lsn").asLong() + ", " +
                        status.path("cp.lastDurationMs").asLong() + " ms");
                    return ExitCodes.OK;
                }
                if (status.path("cp.failed").asLong() > before.cpFailed())
                {
                    line.finish("the consistency point failed: " + status.path("cp.lastFailure").asText("see status"));
                    return ExitCodes.FAILED;
                }
                showCp("consistency point", status);
            }
            if (timedOut("the consistency point"))
            {
                return ExitCodes.FAILED;
            }
            Thread.sleep(POLL_MS);
        }
    }

    private void showCp(final String step, final JsonNode status)
    {
        final long pages = status.path("cp.pages").asLong();
        final long left = status.path("cp.pagesLeft").asLong();
        line.show(step, 0 == pages ? 0 : (double)(pages - left) / pages,
            0 == pages ? status.path("cp.running").asBoolean() ? status.path("cp.state").asText().toLowerCase() :
                "waiting to start" : (pages - left) + " of " + pages + " pages written");
    }

    private boolean timedOut(final String what)
    {
        if (System.nanoTime() - startNs < timeoutNs)
        {
            return false;
        }
        line.finish(what + " has not ended after " + elapsedMs() + " ms; it goes on: `tandem ctl status` shows it");
        return true;
    }

    private long elapsedMs()
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }
}
