package io.tandem.primary;

import io.tandem.primary.control.ControlHandler;

/**
 * The primary's answers to `tandem ctl`: status, paths, path pull N, path restore N, cp.
 */
final class PrimaryControlHandler implements ControlHandler
{
    private final PrimaryController controller;

    PrimaryControlHandler(final PrimaryController controller)
    {
        this.controller = controller;
    }

    public String handle(final String[] command)
    {
        switch (command[0])
        {
            case "status":
                return "OK\n" + controller.status();
            case "paths":
                return "OK\n" + paths();
            case "path":
                return path(command);
            case "cp":
                controller.requestCheckpoint();
                return "OK\nconsistency point requested\n";
            case "giveback":
                final String refused = controller.requestGiveback();
                return null == refused ? "OK\ngiving the volume back to controller " +
                    controller.context().partnerId() + ": quiescing, consistency point, hand-over\n" :
                    "ERROR cannot give back: " + refused + "\n";
            case "takeover":
                return "ERROR this controller is the primary already\n";
            default:
                return "ERROR unknown command '" + command[0] + "': status, paths, path pull N, path restore N, cp, " +
                    "giveback\n";
        }
    }

    private String paths()
    {
        final StringBuilder out = new StringBuilder();
        for (final String line : controller.status().split("\n"))
        {
            if (line.startsWith("path."))
            {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private String path(final String[] command)
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
        final int paths = controller.context().pathCount();
        if (path < 0 || path >= paths)
        {
            return "ERROR path must be 0 to " + (paths - 1) + ": " + path + "\n";
        }
        if ("pull".equals(command[1]))
        {
            controller.pull(path);
            return "OK\npath " + path + " pulled: every frame on it is dropped both ways\n";
        }
        controller.restore(path);
        return "OK\npath " + path + " restored\n";
    }
}
