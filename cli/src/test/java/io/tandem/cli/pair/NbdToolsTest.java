package io.tandem.cli.pair;

import io.tandem.staging.testing.ChildJvm;
import io.tandem.staging.testing.ExternalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tandem.cli.pair.PairControl.await;
import static io.tandem.cli.pair.PairControl.command;
import static io.tandem.cli.pair.PairControl.field;
import static io.tandem.cli.pair.PairControl.mirrored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The tools that copy sparse images, against a real pair on the volume's service address: {@code nbdinfo} sees
 * structured replies and {@code base:allocation}, and maps a fresh volume as one hole; writes, zeroes and trims
 * show in {@code nbdinfo --map} and {@code qemu-img map} alike; {@code nbdcopy} copies a sparse image in (the map
 * keeps its holes, the bytes are equal) and out (the output file is as sparse, the bytes equal); {@code qemu-img
 * convert -n} writes one in. And the map read from the controller that took the volume over after kill -9 of the
 * primary, and from the one it was given back to, is the map the primary had: what was written is still data.
 * Each test skips only when a tool is missing.
 */
class NbdToolsTest
{
    private static final long MIB = 1 << 20;
    private static final long SIZE = 64 * MIB;
    private static final int HOLE = 3;
    private static final int ZERO = 2;
    private static final int DATA = 0;

    @TempDir
    Path dir;

    private static void assumeTools(final String... tools)
    {
        for (final String tool : tools)
        {
            assumeTrue(ExternalProcess.installed(tool), tool + " is not installed");
        }
    }

    private String run(final String... command) throws Exception
    {
        return ExternalProcess.run(dir, 120, command).assertSuccess().output;
    }

    private LaunchedPair startPair(final int nbdBase, final int controlBase, final int portBase) throws Exception
    {
        final LaunchedPair pair = new LaunchedPair(dir, nbdBase, controlBase, portBase);
        pair.start(1, "secondary");
        pair.startPrimary();
        await(pair, "the pair to mirror", 30, () -> mirrored(pair, 0));
        return pair;
    }

    @Test
    void toolsSeeTheMapAndCopySparseImagesInAndOut() throws Exception
    {
        assumeTools("nbdinfo", "nbdcopy", "qemu-img", "qemu-io");
        try (LaunchedPair pair = startPair(12120, 12170, 27500))
        {
            final String uri = "nbd://127.0.0.1:" + pair.servicePort;
            final String listed = run("nbdinfo", "--list", uri);
            assertTrue(listed.contains("using structured packets"), listed);
            assertTrue(listed.contains("base:allocation"), listed);
            assertTrue(run("nbdinfo", uri).contains("can_fast_zero: true"));
            assertEquals("[0+67108864 3]", extents(run("nbdinfo", "--map", uri)).toString(),
                "a fresh volume is one hole");

            run("qemu-io", "-f", "raw", uri,
                "-c", "write -P 1 1M 256k",
                "-c", "write -z 4M 128k",
                "-c", "write -P 2 8M 128k",
                "-c", "discard 8M 64k",
                "-c", "write -P 3 12M 64k",
                "-c", "write -z -u 12M 64k",
                "-c", "read -P 1 1M 256k",
                "-c", "read -P 0 4M 128k",
                "-c", "read -P 2 8256k 64k",
                "-c", "read -P 0 12M 64k");
            final List<String> expected = List.of(
                "0+" + MIB + " " + HOLE,
                MIB + "+" + 256 * 1024 + " " + DATA,
                (MIB + 256 * 1024) + "+" + (3 * MIB - 256 * 1024) + " " + HOLE,
                4 * MIB + "+" + 128 * 1024 + " " + ZERO,
                (4 * MIB + 128 * 1024) + "+" + (4 * MIB - 64 * 1024) + " " + HOLE,
                (8 * MIB + 64 * 1024) + "+" + 64 * 1024 + " " + DATA,
                (8 * MIB + 128 * 1024) + "+" + (SIZE - 8 * MIB - 128 * 1024) + " " + HOLE);
            assertEquals(expected, extents(run("nbdinfo", "--map", uri)),
                "written data, zeroes kept allocated, trimmed and unmapped zeroes as holes");
            assertEquals(expected, qemuMap(uri), "qemu-img map agrees");

            // a sparse image in with nbdcopy: its holes stay holes, its bytes arrive
            final Path source = sparseImage("source.img", 1, 3 * MIB, 2 * MIB, 20 * MIB + 4096, 64 * 1024,
                40 * MIB, MIB);
            run("nbdcopy", source.toString(), uri);
            assertMapFollows(source, extents(run("nbdinfo", "--map", uri)));
            assertTrue(run("qemu-img", "compare", "-f", "raw", "-F", "raw", source.toString(), uri)
                .contains("identical"));

            // and out: the file nbdcopy writes is as sparse as the source, and equal to it
            final Path out = dir.resolve("out.img");
            run("nbdcopy", uri, out.toString());
            assertEquals(-1, Files.mismatch(source, out), "nbdcopy out gave other bytes");
            final long allocated = allocatedBytes(out);
            assertTrue(allocated <= 3 * MIB + 64 * 1024 + 256 * 1024, "the copy out allocated " + allocated +
                " bytes for 3 MiB and 64 KiB of data");

            // qemu-img convert -n into the volume
            final Path other = sparseImage("other.img", 2, 10 * MIB, 512 * 1024, 50 * MIB, 2 * MIB);
            run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", other.toString(), uri);
            assertTrue(run("qemu-img", "compare", "-f", "raw", "-F", "raw", other.toString(), uri)
                .contains("identical"));
            assertMapFollows(other, extents(run("nbdinfo", "--map", uri)));
        }
    }

    @Test
    void theMapOfTheNewOwnerAfterATakeoverAndAGivebackIsThePrimarys() throws Exception
    {
        assumeTools("nbdinfo", "qemu-io");
        try (LaunchedPair pair = startPair(12130, 12180, 27540))
        {
            final String uri = "nbd://127.0.0.1:" + pair.servicePort;
            run("qemu-io", "-f", "raw", uri,
                "-c", "write -P 5 2M 1M",
                "-c", "write -z 6M 256k",
                "-c", "write -P 6 10M 128k",
                "-c", "discard 10M 64k",
                "-c", "write -P 7 20M 4k",
                "-c", "write -z -u 30M 2M");
            final long lsn = PairControl.statusJson(pair.controlBase).path("lsn").asLong();
            assertTrue(command(pair.controlBase, "cp").startsWith("OK"));
            await(pair, "a CP to put those writes and the map in the pool", 30, () ->
                PairControl.statusJson(pair.controlBase).path("cp.lsn").asLong() >= lsn);
            run("qemu-io", "-f", "raw", uri,
                "-c", "write -P 8 40M 64k",
                "-c", "write -z 2M 4k",
                "-c", "write -P 9 44M 8k");
            final List<String> before = extents(run("nbdinfo", "--map", uri));
            assertEquals(List.of(
                "0+" + 2 * MIB + " " + HOLE,
                2 * MIB + "+" + 4096 + " " + ZERO,
                (2 * MIB + 4096) + "+" + (MIB - 4096) + " " + DATA,
                3 * MIB + "+" + 3 * MIB + " " + HOLE,
                6 * MIB + "+" + 256 * 1024 + " " + ZERO,
                (6 * MIB + 256 * 1024) + "+" + (4 * MIB - 192 * 1024) + " " + HOLE,
                (10 * MIB + 64 * 1024) + "+" + 64 * 1024 + " " + DATA,
                (10 * MIB + 128 * 1024) + "+" + (10 * MIB - 128 * 1024) + " " + HOLE,
                20 * MIB + "+" + 4096 + " " + DATA,
                (20 * MIB + 4096) + "+" + (20 * MIB - 4096) + " " + HOLE,
                40 * MIB + "+" + 64 * 1024 + " " + DATA,
                (40 * MIB + 64 * 1024) + "+" + (4 * MIB - 64 * 1024) + " " + HOLE,
                44 * MIB + "+" + 8192 + " " + DATA,
                (44 * MIB + 8192) + "+" + (20 * MIB - 8192) + " " + HOLE), before);

            // kill -9 of the primary: the secondary takes over, replaying what came after the CP
            pair.primary.kill();
            pair.primary.close();
            await(pair, "controller 1 to take over", 60, () -> "primary".equals(field(pair.controlBase + 1, "role")));
            await(pair, "controller 1 to listen on the service address", 10, () ->
                "BOUND".equals(PairControl.statusJson(pair.controlBase + 1).path("service.state").asText()));
            assertEquals(before, extents(run("nbdinfo", "--map", uri)), "the map after the takeover");
            assertEquals(before, extents(run("nbdinfo", "--map", "nbd://127.0.0.1:" + (pair.nbdBase + 1))));
            run("qemu-io", "-f", "raw", uri,
                "-c", "read -P 5 2052k 1020k",
                "-c", "read -P 0 2M 4k",
                "-c", "read -P 6 10304k 64k",
                "-c", "read -P 8 40M 64k",
                "-c", "read -P 9 44M 8k",
                "-c", "read -P 0 30M 2M");

            // the killed controller rejoins, and is given the volume back
            final ChildJvm rejoined = pair.start(0, "secondary");
            await(pair, "controller 0 to rejoin and be resynced", 60, () -> mirrored(pair, 1));
            assertTrue(command(pair.controlBase + 1, "giveback").startsWith("OK"), "the giveback started");
            await(pair, "controller 0 to listen on the service address", 30, () ->
                "BOUND".equals(PairControl.statusJson(pair.controlBase).path("service.state").asText()));
            assertTrue(rejoined.isAlive());
            assertEquals(before, extents(run("nbdinfo", "--map", uri)), "the map after the giveback");
        }
    }

    /**
     * Checks that every byte range the image holds data in is data in the volume's map, and every other range
     * reads as zeroes in it.
     */
    private static void assertMapFollows(final Path image, final List<String> extents) throws IOException
    {
        final byte[] bytes = Files.readAllBytes(image);
        for (final String extent : extents)
        {
            final Matcher parts = Pattern.compile("(\\d+)\\+(\\d+) (\\d+)").matcher(extent);
            assertTrue(parts.matches(), extent);
            final int start = Integer.parseInt(parts.group(1));
            final int length = Integer.parseInt(parts.group(2));
            final int flags = Integer.parseInt(parts.group(3));
            if (0 != (flags & ZERO))
            {
                for (int i = start; i < start + length; i++)
                {
                    assertEquals(0, bytes[i], "the map says " + extent + " reads as zeroes; the image has data at " +
                        i + "; map " + extents);
                }
            }
            else
            {
                assertTrue(hasData(bytes, start, length), extent + " is data in the map, zeroes in the image; map " +
                    extents);
            }
        }
    }

    private static boolean hasData(final byte[] bytes, final int start, final int length)
    {
        for (int block = start; block < start + length; block += 4096)
        {
            boolean any = false;
            for (int i = block; i < Math.min(block + 4096, start + length) && !any; i++)
            {
                any = 0 != bytes[i];
            }
            if (!any)
            {
                return false; // a block of zeroes in what the map calls data: it copied zeroes as data
            }
        }
        return true;
    }

    /**
     * @return a sparse file of the volume's size holding random bytes (none zero) in the ranges given as
     * (offset, length) pairs, holes elsewhere.
     */
    private Path sparseImage(final String name, final long seed, final long... ranges) throws IOException
    {
        final Path file = dir.resolve(name);
        final Random random = new Random(seed);
        try (RandomAccessFile image = new RandomAccessFile(file.toFile(), "rw"))
        {
            image.setLength(SIZE);
            for (int i = 0; i < ranges.length; i += 2)
            {
                final byte[] data = new byte[(int)ranges[i + 1]];
                random.nextBytes(data);
                for (int j = 0; j < data.length; j++)
                {
                    data[j] = 0 == data[j] ? 1 : data[j];
                }
                image.seek(ranges[i]);
                image.write(data);
            }
        }
        return file;
    }

    private long allocatedBytes(final Path file) throws Exception
    {
        final String[] blocks = run("stat", "-c", "%b %B", file.toString()).trim().split(" ");
        return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
    }

    /**
     * @return nbdinfo --map's extents as "offset+length flags".
     */
    static List<String> extents(final String map)
    {
        final List<String> extents = new ArrayList<>();
        final Matcher line = Pattern.compile("(?m)^\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s").matcher(map);
        while (line.find())
        {
            extents.add(line.group(1) + "+" + line.group(2) + " " + line.group(3));
        }
        return extents;
    }

    /**
     * @return qemu-img map's extents in the same form: data false is a hole, zero true a zero.
     */
    private List<String> qemuMap(final String uri) throws Exception
    {
        final String json = run("qemu-img", "map", "--output=json", "-f", "raw", uri);
        final Matcher entry = Pattern.compile(
            "\"start\": (\\d+), \"length\": (\\d+),.*?\"zero\": (true|false), \"data\": (true|false)").matcher(json);
        final List<String> extents = new ArrayList<>();
        while (entry.find())
        {
            final boolean zero = Boolean.parseBoolean(entry.group(3));
            final boolean data = Boolean.parseBoolean(entry.group(4));
            extents.add(entry.group(1) + "+" + entry.group(2) + " " + (data ? zero ? ZERO : DATA : HOLE));
        }
        return extents;
    }
}
