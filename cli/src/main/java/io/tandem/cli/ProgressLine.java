package io.tandem.cli;

import java.io.PrintWriter;

/**
 * One line of progress for long work a command waits for: on a terminal, a bar redrawn in place; otherwise (a
 * pipe, a log) a plain line each time the step changes, so a log shows every step once. Display only.
 * <p>
 * Not thread-safe.
 */
final class ProgressLine
{
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private String lastStep = "";
    private int lastLength;

    ProgressLine(final PrintWriter out, final boolean terminal)
    {
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * @param step     what runs now, e.g. "replay-stream-0".
     * @param fraction how much of the whole is done, 0 to 1.
     * @param detail   figures after the bar, e.g. "12.3 of 27.0 MB"; may be empty.
     */
    void show(final String step, final double fraction, final String detail)
    {
        if (terminal)
        {
            final String line = bar(fraction) + ' ' + String.format("%3d%%", (int)Math.floor(clamp(fraction) * 100)) +
                ' ' + step + (detail.isEmpty() ? "" : "  " + detail);
            out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        }
        else if (!step.equals(lastStep))
        {
            out.println(step + (detail.isEmpty() ? "" : ": " + detail));
            out.flush();
        }
        lastStep = step;
    }

    /**
     * Ends the progress with a last line.
     */
    void finish(final String message)
    {
        if (terminal && lastLength > 0)
        {
            out.print('\r' + " ".repeat(lastLength) + '\r');
        }
        out.println(message);
        out.flush();
        lastLength = 0;
    }

    /**
     * @return a bar of {@code fraction} (0 to 1) filled: "[#####.........]"; what `disk list --watch` draws too.
     */
    static String bar(final double fraction)
    {
        final int filled = (int)Math.round(clamp(fraction) * WIDTH);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
    }

    private static double clamp(final double fraction)
    {
        return Math.max(0, Math.min(1, fraction));
    }

    static String megabytes(final long bytes)
    {
        return String.format("%.1f", bytes / 1e6);
    }
}
