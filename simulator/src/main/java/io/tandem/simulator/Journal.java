package io.tandem.simulator;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's event journal: every fault injected, every role change, and every line the controllers print, each
 * stamped with the simulated time. Printed with a violation; the same seed writes the same journal.
 * <p>
 * Not thread-safe: the simulation has one thread.
 */
final class Journal
{
    private final SimClock clock;
    private final List<String> lines = new ArrayList<>();

    Journal(final SimClock clock)
    {
        this.clock = clock;
    }

    void add(final String who, final String what)
    {
        final long ms = clock.elapsedMs();
        lines.add(String.format("%6d.%03d %-5s %s", ms / 1000, ms % 1000, who, what));
    }

    /**
     * @return a stream whose lines land in the journal under {@code who}: what a controller prints.
     */
    PrintStream printer(final String who)
    {
        return new PrintStream(new OutputStream()
        {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            public void write(final int b)
            {
                if ('\n' == b)
                {
                    add(who, line.toString(StandardCharsets.UTF_8));
                    line.reset();
                }
                else
                {
                    line.write(b);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    List<String> lines()
    {
        return lines;
    }

    /**
     * @return a digest of the whole journal: two runs of a seed are the same run when their digests are.
     */
    long digest()
    {
        long hash = 1125899906842597L;
        for (final String line : lines)
        {
            hash = 31 * hash + line.hashCode();
        }
        return hash;
    }
}
