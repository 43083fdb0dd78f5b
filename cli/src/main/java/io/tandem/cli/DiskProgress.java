package io.tandem.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws a progress bar beside each rebuilding member of {@code disk list}'s text, for {@code --watch}: display
 * only, nothing is decided from it. Stateless; thread-safe.
 */
final class DiskProgress
{
    private static final Pattern PERCENT = Pattern.compile("REBUILDING (\\d+(?:\\.\\d)?)%");

    private DiskProgress()
    {
    }

    static String withBars(final String list)
    {
        final StringBuilder out = new StringBuilder();
        for (final String line : list.split("\n", -1))
        {
            out.append(line);
            final Matcher matcher = PERCENT.matcher(line);
            if (matcher.find())
            {
                out.append("\n      ").append(ProgressLine.bar(Double.parseDouble(matcher.group(1)) / 100));
            }
            out.append('\n');
        }
        return out.substring(0, Math.max(0, out.length() - 1));
    }
}
