package io.tandem.controller.nbd;

import io.tandem.interconnect.idle.SelectorIdleStrategy;
import io.tandem.staging.testing.ExternalProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tandem.controller.nbd.NbdProtocol.STATE_HOLE;
import static io.tandem.controller.nbd.NbdProtocol.STATE_ZERO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real clients read the server's structured replies and {@code base:allocation} extents as they are meant:
 * {@code nbdinfo} (libnbd) and {@code qemu-img map} (qemu's NBD client) against a volume whose map the test sets.
 * Each skips only when its tool is missing.
 */
@Timeout(60)
class NbdMapInteropTest
{
    private static final int BLOCK = 64 << 10;
    private static final int HOLE = STATE_HOLE | STATE_ZERO;
    /** hole x3, data x2, zero x1, hole x2: 8 blocks, 512 KiB. */
    private static final int[] MAP = {HOLE, HOLE, HOLE, 0, 0, STATE_ZERO, HOLE, HOLE};

    @TempDir
    Path dir;

    private TestVolume volume;
    private NbdServer server;
    private SelectorIdleStrategy idle;
    private String uri;

    @BeforeEach
    void start() throws Exception
    {
        volume = new TestVolume((long)MAP.length * BLOCK);
        volume.map(BLOCK, MAP);
        idle = new SelectorIdleStrategy(10, 2, 60_000);
        server = NbdServer.launch(new NbdServerContext().port(0).volume(volume).idleStrategy(idle));
        uri = "nbd://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop()
    {
        server.close();
        idle.close();
        volume.close();
    }

    @Test
    void nbdinfoNegotiatesStructuredRepliesAndMapsTheExtents() throws Exception
    {
        assumeTrue(ExternalProcess.installed("nbdinfo"), "nbdinfo (libnbd-bin) is not installed");
        final String info = ExternalProcess.run(dir, 20, "nbdinfo", "--list", uri).assertSuccess().output;
        assertTrue(info.contains("structured"), info);
        assertTrue(info.contains("base:allocation"), info);
        assertTrue(info.contains("can_fast_zero: true"), info);

        final String map = ExternalProcess.run(dir, 20, "nbdinfo", "--map", uri).assertSuccess().output;
        assertMap(map);
    }

    private static void assertMap(final String map)
    {
        final List<long[]> extents = nbdinfoMap(map);
        final long[][] expected = {
            {0, 3L * BLOCK, HOLE}, {3L * BLOCK, 2L * BLOCK, 0}, {5L * BLOCK, BLOCK, STATE_ZERO},
            {6L * BLOCK, 2L * BLOCK, HOLE}};
        assertEquals(expected.length, extents.size(), map);
        for (int i = 0; i < expected.length; i++)
        {
            assertEquals(java.util.Arrays.toString(expected[i]), java.util.Arrays.toString(extents.get(i)), map);
        }
    }

    /**
     * @return nbdinfo --map's lines as (offset, length, flags).
     */
    static List<long[]> nbdinfoMap(final String output)
    {
        final List<long[]> extents = new ArrayList<>();
        final Matcher line = Pattern.compile("(?m)^\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s").matcher(output);
        while (line.find())
        {
            extents.add(new long[] {Long.parseLong(line.group(1)), Long.parseLong(line.group(2)),
                Long.parseLong(line.group(3))});
        }
        return extents;
    }

    @Test
    void qemuImgMapAgrees() throws Exception
    {
        assumeTrue(ExternalProcess.installed("qemu-img"), "qemu-img (qemu-utils) is not installed");
        final ExternalProcess run = ExternalProcess.run(dir, 20, "qemu-img", "map", "--output=json", "-f", "raw", uri);
        assertEquals(0, run.exitCode, run + "\n" + server.counters() + "\n" + volume.submitted());
        final String json = run.output;
        final Matcher entry = Pattern.compile(
            "\"start\": (\\d+), \"length\": (\\d+),.*?\"zero\": (true|false), \"data\": (true|false)").matcher(json);
        final List<String> entries = new ArrayList<>();
        while (entry.find())
        {
            entries.add(entry.group(1) + "+" + entry.group(2) + (Boolean.parseBoolean(entry.group(3)) ? " zero" : "") +
                (Boolean.parseBoolean(entry.group(4)) ? " data" : ""));
        }
        assertEquals(List.of("0+" + 3 * BLOCK + " zero", 3 * BLOCK + "+" + 2 * BLOCK + " data",
            5 * BLOCK + "+" + BLOCK + " zero data", 6 * BLOCK + "+" + 2 * BLOCK + " zero"), entries, json);
    }
}
