package io.tandem.secondary;

import io.tandem.primary.control.ControlHandler;

/**
 * The secondary's answers to `tandem ctl`: status, paths, path pull N, path restore N.
 */
final class SecondaryControlHandler implements ControlHandler
{
    private final SecondaryController controller;

    SecondaryControlHandler(final SecondaryController controller)
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
                final StringBuilder out = new StringBuilder("OK\n");
                for (final String line : controller.status().split("\n"))
                {
                    if (line.startsWith("path."))
                    {
                        out.append(line).append('\n');
                    }
                }
                return out.toString();
            case "path":
                return path(command);
            case "cp":
                return "ERROR this controller is the secondary: consistency points are the primary's\n";
            case "giveback":
                return "ERROR this controller is the secondary: give back from the controller that serves\n";
            case "takeover":
                final boolean force = command.length > 1 && "force".equals(command[1]);
                controller.requestTakeover(force);
                return "OK\ntakeover requested" + (force ? " (forced: a stale mirror may lose acknowledged writes)" :
                    "") + "\n";
            default:
                return "ERROR unknown command '" + command[0] + "': status, paths, path pull N, path restore N\n";
        }
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
            return "OK\npath " + path + " pulled\n";
        }
        controller.restore(path);
        return "OK\npath " + path + " restored\n";
    }
}
