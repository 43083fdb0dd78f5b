package io.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tandem.controller.control.ControlClient;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A controller's status as its typed JSON ({@code status json}), for what {@code tandem ctl} decides: which
 * controller has a role, and whether an operation it started has ended. The text status is for people only.
 * <p>
 * Thread-safe.
 */
final class StatusProbe
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int timeoutMs;

    StatusProbe(final int timeoutMs)
    {
        this.timeoutMs = timeoutMs;
    }

    /**
     * @return the controller's status, or null if it does not answer (or answers with an error).
     */
    JsonNode status(final InetSocketAddress controller)
    {
        try
        {
            final String reply = ControlClient.send(controller.getHostString(), controller.getPort(), "status json",
                timeoutMs);
            if (null == reply || !reply.startsWith("OK\n"))
            {
                return null;
            }
            return JSON.readTree(reply.substring(3));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
