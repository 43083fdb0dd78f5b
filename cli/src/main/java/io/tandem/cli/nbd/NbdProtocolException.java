package io.tandem.cli.nbd;

import java.io.IOException;

/**
 * The server broke the protocol (bad magic, unknown handle, an option refused during the handshake): the
 * connection is unusable.
 */
public class NbdProtocolException extends IOException
{
    private static final long serialVersionUID = 1L;

    public NbdProtocolException(final String message)
    {
        super(message);
    }
}
