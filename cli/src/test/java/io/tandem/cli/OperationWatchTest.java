package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What `ctl cp|takeover|giveback` decide while they wait, from scripted typed statuses: the controllers' own
 * statuses are followed live in FailoverTest and DurabilityHolesTest. Each status in a script is answered once, the
 * last one for good.
 */
class OperationWatchTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InetSocketAddress A = new InetSocketAddress("127.0.0.1", 1);
    private static final InetSocketAddress B = new InetSocketAddress("127.0.0.1", 2);

    private final StringWriter text = new StringWriter();
    private final Map<InetSocketAddress, Deque<JsonNode>> scripts = new HashMap<>();

    @Test
    void aTakeoverIsFollowedStepByStepUntilTheSecondaryServes() throws Exception
    {
        script(B, "{\"role\":\"secondary\",\"mode\":\"TAKING_OVER\",\"takeover.started\":1,\"takeover.steps\":7," +
            "\"takeover.stepsDone\":0,\"takeover.running\":\"fence\",\"takeover.toReplayBytes\":0}",
            "{\"role\":\"secondary\",\"mode\":\"TAKING_OVER\",\"takeover.started\":1,\"takeover.steps\":7," +
            "\"takeover.stepsDone\":4,\"takeover.running\":\"replay-stream-0\",\"takeover.replayedBytes\":5000000," +
            "\"takeover.toReplayBytes\":10000000}",
            "{\"role\":\"primary\",\"epoch\":3}");

        assertEquals(ExitCodes.OK, watch(false).takeover(B, before(0, 0)));

        assertEquals("takeover: fence: step 0 of 7\n" +
            "takeover: replay-stream-0: 5.0 of 10.0 MB replayed\n", text.toString().replaceAll("took over.*\n", ""));
        assertTrue(text.toString().contains("took over: serving at epoch 3"), text.toString());
    }

    @Test
    void aTakeoverThatFailsOrIsRefusedEndsTheWaitWithItsReasonAndExitOne() throws Exception
    {
        script(B, "{\"role\":\"secondary\",\"mode\":\"TAKEOVER_FAILED\",\"takeover.started\":2," +
            "\"takeover.last\":\"takeover failed at replay-stream-1: disk full\"}");
        assertEquals(ExitCodes.FAILED, watch(false).takeover(B, before(1, 0)));
        assertTrue(text.toString().endsWith("takeover failed at replay-stream-1: disk full\n"), text.toString());

        script(A, "{\"role\":\"secondary\",\"mode\":\"IN_SYNC\",\"takeover.started\":0,\"takeover.refused\":1," +
            "\"takeover.last\":\"takeover refused: no mirror session\"}");
        assertEquals(ExitCodes.FAILED, watch(false).takeover(A, before(0, 0)));
        assertTrue(text.toString().endsWith("takeover refused: no mirror session\n"), text.toString());
    }

    @Test
    void aFailedTakeoverFromBeforeTheRequestDoesNotEndTheWait() throws Exception
    {
        // TAKEOVER_FAILED from an earlier attempt: the new one has not started yet, then serves
        script(B, "{\"role\":\"secondary\",\"mode\":\"TAKEOVER_FAILED\",\"takeover.started\":1}",
            "{\"role\":\"primary\",\"epoch\":4}");
        assertEquals(ExitCodes.OK, watch(false).takeover(B, before(1, 0)));
    }

    @Test
    void aGivebackEndsWhenThePartnerServesOrWhenItIsAborted() throws Exception
    {
        script(A, "{\"role\":\"primary\",\"mirror\":\"GIVEBACK\",\"mirror.transitions\":5,\"cp.pages\":200," +
            "\"cp.pagesLeft\":50}");
        script(B, "{\"role\":\"secondary\"}", "{\"role\":\"primary\",\"controller\":1,\"epoch\":7}");
        assertEquals(ExitCodes.OK, watch(false).giveback(A, B, OperationWatch.Before.of(json(
            "{\"mirror.transitions\":4}"))));
        assertTrue(text.toString().startsWith("giveback: consistency point: 150 of 200 pages written\n"),
            text.toString());
        assertTrue(text.toString().contains("given back: controller 1 serves at epoch 7"), text.toString());

        script(A, "{\"role\":\"primary\",\"mirror\":\"MIRRORED\",\"mirror.transitions\":6," +
            "\"mirror.lastTransition\":\"GIVEBACK_PATHS_LOST\",\"mirror.last\":\"giveback_paths_lost: no path\"}");
        script(B, "{\"role\":\"secondary\"}");
        assertEquals(ExitCodes.FAILED, watch(false).giveback(A, B, OperationWatch.Before.of(json(
            "{\"mirror.transitions\":5}"))));
        assertTrue(text.toString().endsWith("giveback aborted, the primary serves again: giveback_paths_lost: " +
            "no path\n"), text.toString());
    }

    @Test
    void aConsistencyPointRunningWhenAskedForIsNotTheOneWaitedFor() throws Exception
    {
        script(A, "{\"cp.count\":4,\"cp.running\":true,\"cp.state\":\"DESTAGE\",\"cp.pages\":10,\"cp.pagesLeft\":0}",
            "{\"cp.count\":5,\"cp.state\":\"DESTAGE\",\"cp.pages\":40,\"cp.pagesLeft\":30}",
            "{\"cp.count\":6,\"cp.state\":\"IDLE\",\"cp.lsn\":99,\"cp.lastDurationMs\":3}");
        assertEquals(ExitCodes.OK, watch(false).consistencyPoint(A, OperationWatch.Before.of(json(
            "{\"cp.count\":4,\"cp.running\":true}"))));
        // CP LSN 99 is the third status's: the wait went past the CP that was running (count 5)
        assertTrue(text.toString().endsWith("consistency point done: CP LSN 99, 3 ms\n"), text.toString());
    }

    /**
     * Once, a CP's terminal state (DONE, which stays until the next CP) was taken for a running CP, and ctl cp waited
     * for a second CP that an idle pair never takes.
     */
    @Test
    void aConsistencyPointDoneBeforeTheRequestIsNotRunning() throws Exception
    {
        final OperationWatch.Before before = OperationWatch.Before.of(json(
            "{\"cp.count\":4,\"cp.state\":\"DONE\",\"cp.running\":false}"));
        script(A, "{\"cp.count\":5,\"cp.state\":\"DONE\",\"cp.running\":false,\"cp.lsn\":7}");
        assertEquals(ExitCodes.OK, watch(false).consistencyPoint(A, before));
    }

    @Test
    void aWaitThatTimesOutSaysTheWorkGoesOnAndExitsOne() throws Exception
    {
        script(A, "{\"role\":\"secondary\",\"mode\":\"IN_SYNC\"}");
        final OperationWatch watch = new OperationWatch(probe(), new ProgressLine(new PrintWriter(text), false), 0);
        assertEquals(ExitCodes.FAILED, watch.takeover(A, before(0, 0)));
        assertTrue(text.toString().contains("the takeover has not ended after"), text.toString());
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlace()
    {
        final ProgressLine line = new ProgressLine(new PrintWriter(text), true);
        line.show("takeover: replay-stream-0", 0.5, "5.0 of 10.0 MB replayed");
        line.show("takeover: replay-stream-0", 1.0, "10.0 of 10.0 MB");
        line.finish("done");
        final String out = text.toString();
        assertTrue(out.startsWith("\r[###############...............]  50% takeover: replay-stream-0  5.0 of 10.0"),
            out);
        assertTrue(out.contains("\r[##############################] 100% takeover: replay-stream-0  10.0 of 10.0 MB"),
            out);
        assertTrue(out.endsWith("\rdone\n"), out);
    }

    private OperationWatch watch(final boolean terminal)
    {
        return new OperationWatch(probe(), new ProgressLine(new PrintWriter(text), terminal), 30_000);
    }

    private Function<InetSocketAddress, JsonNode> probe()
    {
        return address ->
        {
            final Deque<JsonNode> script = scripts.get(address);
            return script.size() > 1 ? script.poll() : script.peek();
        };
    }

    private void script(final InetSocketAddress address, final String... statuses) throws Exception
    {
        final Deque<JsonNode> script = new ArrayDeque<>();
        for (final String status : statuses)
        {
            script.add(json(status));
        }
        scripts.put(address, script);
    }

    private static OperationWatch.Before before(final long started, final long refused)
    {
        return new OperationWatch.Before(started, refused, 0, 0, 0, false);
    }

    private static JsonNode json(final String text) throws Exception
    {
        return JSON.readTree(text);
    }
}
