package io.tandem.nvlog;

import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import io.tandem.staging.testing.ChildJvm;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NVLog's durability promise, tested by crashing: a child JVM appends records as fast as it can and prints
 * each durable LSN; the test kills it with SIGKILL after a random number of them, reopens the log, checks it,
 * and starts the next child on the same log. Every record printed durable and not released (in any round) must
 * be there, whole, in order, and nothing corrupt may come back.
 */
class NvLogCrashTest
{
    private static final long CAPACITY = 8L << 20;
    private static final int KILLS = 6;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everyDurableRecordSurvivesKillNine(final Durability durability) throws Exception
    {
        final long seed = System.nanoTime();
        System.out.println("NvLogCrashTest " + durability + " seed=" + seed);
        final Random random = new Random(seed);
        final Path file = dir.resolve("nvlog-" + durability + ".dev");
        long highestLsn = 0;
        final Printed printed = new Printed();
        for (int round = 0; round < KILLS; round++)
        {
            printed.durable = 0;
            try (ChildJvm child = ChildJvm.start(NvLogCrashChild.class, dir.resolve("child.err"),
                file.toString(), Long.toString(CAPACITY), durability.name(), Long.toString(highestLsn)))
            {
                final String ready = child.readLine();
                assertTrue(null != ready && ready.startsWith("READY"), "child did not start; see " + child.stderr());
                final long killAfter = highestLsn + 1 + random.nextInt(durability == Durability.POWER ? 3_000 : 6_000);
                String line;
                while (printed.durable < killAfter && null != (line = child.readLine()))
                {
                    printed.read(line);
                }
                child.kill();
                // what the child printed before it died counts too: durable LSNs and releases alike
                while (null != (line = child.readLine()))
                {
                    printed.read(line);
                }
            }
            assertTrue(printed.durable > highestLsn, "round " + round + ": the child made no progress; see " + dir);
            highestLsn = verify(file, printed.durable, printed.released);
        }
        assertTrue(printed.releases > 0, "no half was ever released: the test did not exercise the halves");
    }

    /**
     * What the children promised: {@code D n} lines (durable up to n, this round) and {@code R n} lines (a half
     * holding records up to n released, in any round).
     */
    private static final class Printed
    {
        long durable;
        long released;
        int releases;

        void read(final String line)
        {
            final long value = Long.parseLong(line.substring(2));
            if (line.startsWith("D "))
            {
                durable = value;
            }
            else
            {
                released = Math.max(released, value);
                releases++;
            }
        }
    }

    /**
     * @return the highest LSN in the log, where the next child goes on.
     */
    private static long verify(final Path file, final long durable, final long released) throws Exception
    {
        final List<Long> lsns = new ArrayList<>();
        try (NvLog log = NvLog.open(new NvLogContext().maxPayloadLength(NvLogCrashChild.MAX_PAYLOAD)
            .nvram(new NvramContext().file(file).capacity(CAPACITY))))
        {
            log.forEach(record ->
            {
                assertTrue(TestLogs.payloadMatches(record), "a corrupt record came back: " + record);
                lsns.add(record.lsn());
            });
            final String report = log.recoveryReport().toString();
            assertTrue(!lsns.isEmpty(), "the log is empty after the kill; " + report);
            for (int i = 1; i < lsns.size(); i++)
            {
                assertEquals(lsns.get(i - 1) + 1, lsns.get(i), "records out of order or missing; " + report);
            }
            assertTrue(lsns.get(0) <= released + 1,
                "records after the last release are missing: the log starts at " + lsns.get(0) + ", released " +
                released + "; " + report);
            final long last = lsns.get(lsns.size() - 1);
            assertTrue(last >= durable, "record " + durable + " was printed durable, the log ends at " + last +
                "; " + report);
            return last;
        }
    }
}
