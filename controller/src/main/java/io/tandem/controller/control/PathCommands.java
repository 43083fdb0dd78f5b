package io.tandem.controller.control;

import java.util.function.IntConsumer;

/**
 * The path commands both roles answer the same way: {@code paths} (each path's line of the status) and
 * {@code path pull N} / {@code path restore N}. Stateless; thread-safe.
 */
public final class PathCommands
{
    private PathCommands()
    {
    }

    /**
     * @return the reply to {@code paths}: the {@code path.N=} lines of {@code status}.
     */
    public static String paths(final String status)
    {
        final StringBuilder out = new StringBuilder("OK\n");
        for (final String line : status.split("\n"))
        {
            if (line.startsWith("path."))
            {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * Checks and carries out {@code path pull N} or {@code path restore N}.
     *
     * @return the reply.
     */
    public static String path(
        final String[] command, final int pathCount, final IntConsumer pull, final IntConsumer restore)
    {
        if (command.length != 3 || !("pull".equals(command[1]) || "restore".equals(command[1])))
        {
            return "ERROR usage: path pull N | path restore N\n";
        }
        final int path;
        try
        {
            path = Integer.parseInt(command[2]);
        }
        catch (final NumberFormatException ex)
        {
            return "ERROR path must be a number: " + command[2] + "\n";
        }
        if (path < 0 || path >= pathCount)
        {
            return "ERROR path must be 0 to " + (pathCount - 1) + ": " + path + "\n";
        }
        if ("pull".equals(command[1]))
        {
            pull.accept(path);
            return "OK\npath " + path + " pulled: every frame on it is dropped both ways\n";
        }
        restore.accept(path);
        return "OK\npath " + path + " restored\n";
    }
}
