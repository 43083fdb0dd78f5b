package io.tandem.secondary;

import io.tandem.controller.control.ControlHandler;
import io.tandem.controller.control.PathCommands;

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
                return "OK\n" + (command.length > 1 && "json".equals(command[1]) ? controller.statusJson() :
                    controller.status());
            case "paths":
                return PathCommands.paths(controller.status());
            case "path":
                return PathCommands.path(command, controller.context().pathCount(), controller::pull,
                    controller::restore);
            case "cp":
                return "ERROR this controller is the secondary: consistency points are the primary's\n";
            case "giveback":
                return "ERROR this controller is the secondary: give back from the controller that serves\n";
            case "disk":
                return "ERROR this controller is the secondary: the pool's disks are run by the controller that " +
                    "serves the volume\n";
            case "takeover":
                final boolean force = command.length > 1 && "force".equals(command[1]);
                final String refused = controller.requestTakeover(force);
                if (null != refused)
                {
                    return "ERROR takeover refused: " + refused + " (`tandem ctl takeover --force` goes ahead " +
                        "anyway, accepting the loss)\n";
                }
                return "OK\ntakeover requested" + (force ? " (forced: a live primary is killed, and a mirror the " +
                    "pool does not vouch for may lose acknowledged writes)" : "") + "\n";
            default:
                return "ERROR unknown command '" + command[0] + "': status, paths, path pull N, path restore N, " +
                    "takeover [force]\n";
        }
    }
}
