package io.tandem.primary;

import io.tandem.controller.control.ControlHandler;
import io.tandem.controller.control.DiskCommands;
import io.tandem.controller.control.PathCommands;

/**
 * The primary's answers to `tandem ctl`: status, paths, path pull N, path restore N, cp, giveback, disk ....
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
                return "OK\n" + (command.length > 1 && "json".equals(command[1]) ? controller.statusJson() :
                    controller.status());
            case "paths":
                return PathCommands.paths(controller.status());
            case "path":
                return PathCommands.path(command, controller.context().pathCount(), controller::pull,
                    controller::restore);
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
            case "disk":
                return DiskCommands.handle(command, controller.pool());
            default:
                return "ERROR unknown command '" + command[0] + "': status, paths, path pull N, path restore N, cp, " +
                    "giveback, disk list|fail N|pull N|add PATH|replace N PATH|fault N ...\n";
        }
    }
}
