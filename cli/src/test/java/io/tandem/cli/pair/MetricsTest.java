package io.tandem.cli.pair;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.mirrored;
import static io.tandem.cli.pair.PairControl.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both controllers of a launched pair serve Prometheus metrics: the names and types a monitoring stack relies on,
 * values that move with what the pair does (writes, a pulled path, a consistency point, a giveback, a takeover),
 * scrapes that do not stop I/O, the Grafana dashboard's queries naming only metrics a scrape has, and the port's
 * settings.
 */
class MetricsTest
{
    private static final int NBD = 12200;
    private static final int CONTROL = 12210;
    private static final int METRICS = 12220;
    private static final int PORTS = 27700;

    @TempDir
    Path dir;

    private static LaunchedPair pair(final Path dir)
    {
        final LaunchedPair pair = new LaunchedPair(dir, NBD, CONTROL, PORTS);
        pair.metricsBase = METRICS;
        pair.extra.addAll(java.util.List.of("--pool", "raid1:2"));
        return pair;
    }

    @Test
    void bothControllersServeMetricsThatFollowThePair() throws Exception
    {
        try (LaunchedPair pair = pair(dir))
        {
            pair.startSecondary();
            pair.startPrimary();
            await(pair, "the pair to mirror", 30, () -> mirrored(pair, 0));

            final Scrape primary = Scrape.of(METRICS);
            final Scrape secondary = Scrape.of(METRICS + 1);
            assertEquals(1, primary.value("tandem_role", "role", "primary"));
            assertEquals(0, primary.value("tandem_role", "role", "secondary"));
            assertEquals(1, secondary.value("tandem_role", "role", "secondary"));
            assertEquals(1, primary.value("tandem_primary_mode", "mode", "mirrored"));
            assertEquals(1, secondary.value("tandem_secondary_mode", "mode", "in_sync"));
            assertEquals(1, primary.value("tandem_controller_info", "controller", "0", "version",
                versionOf(primary)));
            assertEquals(primary.value("tandem_epoch"), secondary.value("tandem_pool_epoch"));
            assertTrue(primary.value("tandem_mirror_generation") >= 1);
            assertEquals(1, primary.value("tandem_pool_info", "layout", "raid1:2"));
            assertEquals(1, primary.value("tandem_pool_state", "state", "healthy"));
            assertEquals(1, primary.value("tandem_pool_member_state", "array", "top", "slot", "1", "state", "active"));

            for (final String[] typed : new String[][] {
                {"tandem_role", "gauge"}, {"tandem_controller_info", "gauge"}, {"tandem_epoch", "gauge"},
                {"tandem_nbd_requests_total", "counter"}, {"tandem_nbd_bytes_total", "counter"},
                {"tandem_nbd_request_duration_seconds", "histogram"}, {"tandem_cp_total", "counter"},
                {"tandem_cp_last_duration_seconds", "gauge"}, {"tandem_path_up", "gauge"},
                {"tandem_path_frames_total", "counter"}, {"tandem_path_bytes_total", "counter"},
                {"tandem_stream_lag_records", "gauge"}, {"tandem_nvlog_fill_ratio", "gauge"},
                {"tandem_errors_total", "counter"}, {"tandem_takeover_step_duration_seconds", "gauge"},
                {"tandem_givebacks_total", "counter"}, {"tandem_pool_rebuild_progress_ratio", "gauge"}})
            {
                assertEquals(typed[1], primary.types.get(typed[0]), typed[0] + " in:\n" + primary.types);
            }
            assertEquals("gauge", secondary.types.get("tandem_partner_heartbeat_age_seconds"));
            assertEquals("counter", secondary.types.get("tandem_mirror_records_total"));

            // writes through NBD move the request counter and the latency histogram
            final double writesBefore = primary.value("tandem_nbd_requests_total", "op", "write");
            final double histogramBefore = primary.value("tandem_nbd_request_duration_seconds_count", "op", "write");
            final String[] workload = run("workload", "--target", "127.0.0.1:" + pair.servicePort, "--ops", "2000",
                "--queue-depth", "8", "--span", "16M");
            assertEquals("0", workload[0], workload[1] + workload[2]);
            final Scrape written = Scrape.of(METRICS);
            final double writes = written.value("tandem_nbd_requests_total", "op", "write") - writesBefore;
            assertTrue(writes >= 500, "writes counted: " + writes);
            final double timed = written.value("tandem_nbd_request_duration_seconds_count", "op", "write") -
                histogramBefore;
            assertEquals(writes, timed, "every write is timed");
            assertEquals(written.value("tandem_nbd_request_duration_seconds_count", "op", "write"),
                written.value("tandem_nbd_request_duration_seconds_bucket", "op", "write", "le", "+Inf"));
            assertTrue(written.value("tandem_nbd_request_duration_seconds_sum", "op", "write") > 0);
            assertTrue(written.value("tandem_nbd_requests_total", "op", "read") > 0);
            assertTrue(written.value("tandem_nbd_bytes_total", "op", "write") >= writes * 4096);
            await(pair, "the secondary to count mirrored records", 10, () ->
                Scrape.orNull(METRICS + 1).value("tandem_mirror_records_total") > writes);

            // a pulled path is drawn as down on both sides, and comes back
            final String[] pulled = run("ctl", "--controller", pair.controllers(), "path", "pull", "1");
            assertEquals("0", pulled[0], pulled[2]);
            await(pair, "path 1 pulled and down in the primary's metrics", 10, () ->
            {
                final Scrape now = Scrape.orNull(METRICS);
                return 1 == now.value("tandem_path_pulled", "path", "1") && 0 == now.value("tandem_path_up", "path",
                    "1") && 1 == now.value("tandem_path_up", "path", "0");
            });
            await(pair, "path 1 down in the secondary's metrics", 10, () ->
                0 == Scrape.orNull(METRICS + 1).value("tandem_path_up", "path", "1"));
            assertTrue(Scrape.of(METRICS).value("tandem_path_down_events_total", "path", "1") >= 1);
            assertEquals("0", run("ctl", "--controller", pair.controllers(), "path", "restore", "1")[0]);
            await(pair, "path 1 up again", 10, () -> 1 == Scrape.orNull(METRICS).value("tandem_path_up", "path", "1"));

            // a consistency point raises the count
            final double cps = Scrape.of(METRICS).value("tandem_cp_total");
            assertEquals("0", run("ctl", "--controller", pair.controllers(), "cp")[0]);
            await(pair, "the CP count to rise", 10, () -> Scrape.orNull(METRICS).value("tandem_cp_total") > cps);

            scrapingUnderLoadDoesNotStopIo(pair);
            dashboardQueriesNameOnlyExportedMetrics(Scrape.of(METRICS), Scrape.of(METRICS + 1));

            // a giveback: each controller's metrics follow its new role, and the giveback's steps are timed
            assertEquals("0", run("ctl", "--controller", pair.controllers(), "giveback")[0]);
            await(pair, "controller 1 to serve and controller 0 to mirror", 30, () -> mirrored(pair, 1));
            await(pair, "the roles in the metrics", 10, () ->
                1 == Scrape.orNull(METRICS + 1).value("tandem_role", "role", "primary") &&
                1 == Scrape.orNull(METRICS).value("tandem_role", "role", "secondary"));
            final Scrape gaveBack = Scrape.of(METRICS);
            assertEquals(1, gaveBack.value("tandem_givebacks_total", "outcome", "done"));
            final double total = gaveBack.value("tandem_giveback_step_duration_seconds", "step", "total");
            assertTrue(total > 0 && total < 10, "giveback took " + total + " s");
            assertTrue(gaveBack.value("tandem_giveback_step_duration_seconds", "step", "hand_over") <= total);
            // the process's latency histogram outlives the role that recorded it
            assertTrue(gaveBack.value("tandem_nbd_request_duration_seconds_count", "op", "write") >= writes);

            // kill -9 of the serving controller: the other takes over, and its metrics time the takeover's steps
            pair.secondary.kill();
            await(pair, "controller 0 to take over", 30, () ->
            {
                final Scrape now = Scrape.orNull(METRICS);
                return null != now && 1 == now.value("tandem_role", "role", "primary") &&
                    1 == now.value("tandem_takeovers_total", "outcome", "done");
            });
            final Scrape tookOver = Scrape.of(METRICS);
            final double took = tookOver.value("tandem_takeover_step_duration_seconds", "step", "total");
            assertTrue(took > 0 && took < 10, "takeover took " + took + " s");
            assertTrue(tookOver.value("tandem_takeover_step_duration_seconds", "step", "fence") <= took);
            assertTrue(tookOver.value("tandem_takeover_step_duration_seconds", "step", "detection") > 0,
                "the partner's loss was detected, not commanded");
            assertEquals(1, tookOver.value("tandem_primary_mode", "mode", "degraded") +
                tookOver.value("tandem_primary_mode", "mode", "recording_stale"), "serving alone");
        }
    }

    /**
     * Scrapes both controllers back to back while a workload runs: every scrape answers, and the workload keeps
     * completing I/O and verifies.
     */
    private static void scrapingUnderLoadDoesNotStopIo(final LaunchedPair pair) throws Exception
    {
        final double before = Scrape.of(METRICS).value("tandem_nbd_requests_total", "op", "write");
        final CompletableFuture<String[]> load = CompletableFuture.supplyAsync(() -> run("workload", "--target",
            "127.0.0.1:" + pair.servicePort, "--duration", "3s", "--queue-depth", "8", "--span", "16M"));
        final AtomicInteger scrapes = new AtomicInteger();
        double seen = before;
        while (!load.isDone())
        {
            final Scrape scrape = Scrape.of(METRICS);
            Scrape.of(METRICS + 1);
            seen = scrape.value("tandem_nbd_requests_total", "op", "write");
            scrapes.incrementAndGet();
        }
        final String[] result = load.get(30, TimeUnit.SECONDS);
        assertEquals("0", result[0], result[1] + result[2]);
        assertTrue(scrapes.get() >= 10, "scrapes during the load: " + scrapes.get());
        assertTrue(seen - before > 0, "writes moved while scraped");
        final double after = Scrape.of(METRICS).value("tandem_nbd_requests_total", "op", "write");
        assertTrue(after - before >= 1000, "writes in 3 s while scraped " + scrapes.get() + " times: " +
            (after - before));
    }

    /**
     * Every metric the Grafana dashboard's queries name is in a scrape of the pair.
     */
    private static void dashboardQueriesNameOnlyExportedMetrics(final Scrape primary, final Scrape secondary)
        throws IOException
    {
        final Path dashboard = Path.of(System.getProperty("user.dir")).getParent().resolve(
            "docs/grafana/tandem-pair.json");
        final JsonNode json = new ObjectMapper().readTree(Files.readString(dashboard));
        final Set<String> exported = new HashSet<>();
        for (final Scrape scrape : new Scrape[] {primary, secondary})
        {
            scrape.samples.forEach(sample -> exported.add(sample.name()));
        }
        final Set<String> named = new HashSet<>();
        final Pattern metric = Pattern.compile("\\btandem_[a-z0-9_]+");
        json.findValues("expr").forEach(expr ->
        {
            final Matcher matcher = metric.matcher(expr.asText());
            while (matcher.find())
            {
                named.add(matcher.group());
            }
        });
        json.findValues("query").forEach(query ->
        {
            final Matcher matcher = metric.matcher(query.isTextual() ? query.asText() : query.path("query").asText());
            while (matcher.find())
            {
                named.add(matcher.group());
            }
        });
        assertTrue(named.size() >= 20, "the dashboard's metrics: " + named);
        for (final String name : named)
        {
            assertTrue(exported.contains(name), "the dashboard queries " + name + ", which no scrape has");
        }
    }

    private static String versionOf(final Scrape scrape)
    {
        return scrape.samples.stream().filter(sample -> sample.name().equals("tandem_controller_info"))
            .findFirst().orElseThrow().labels().get("version");
    }

    @Test
    void metricsPortZeroServesNothingAndABusyPortStopsTheStart() throws Exception
    {
        final int busyPort = 12258;
        try (LaunchedPair pair = new LaunchedPair(dir, 12240, 12245, PORTS + 160);
             ServerSocket taken = new ServerSocket(busyPort, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            // LaunchedPair passes --metrics-port 0 unless a base is set: nothing listens, not even on the default
            // (the NBD port + 200)
            pair.startSecondary();
            assertTrue(pair.secondary.isAlive());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", 12241 + 200).close());

            Files.createDirectories(dir.resolve("busy"));
            try (LaunchedPair busy = new LaunchedPair(dir.resolve("busy"), 12250, 12255, PORTS + 100))
            {
                busy.metricsBase = busyPort;
                final IllegalStateException refused = assertThrows(IllegalStateException.class, busy::startPrimary);
                assertTrue(refused.getMessage().contains("cannot serve metrics on 127.0.0.1:" + busyPort),
                    refused.getMessage());
                assertTrue(refused.getMessage().contains("--metrics-port"), refused.getMessage());
            }
        }
        final String[] outOfRange = run("primary", "--data-dir", dir.resolve("range").toString(),
            "--metrics-port", "70000");
        assertEquals("1", outOfRange[0]);
        assertTrue(outOfRange[2].contains("metrics port must be 1 to 65535, or 0 for none: 70000"), outOfRange[2]);
    }
}
