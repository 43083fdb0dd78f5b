package io.tandem.controller.control;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Reads one command line from a blocking socket within a bound on its length and a deadline for the whole line.
 * Each read waits at most until the deadline, so a client that trickles a byte at a time gains nothing; at most
 * one byte more than the longest line is ever held. Stateless; thread-safe.
 */
final class ControlLineReader
{
    private ControlLineReader()
    {
    }

    /**
     * @param maxLength  the longest line, in bytes, without its newline.
     * @param deadlineNs by {@link System#nanoTime()}, when the whole line must have arrived.
     * @return the line without its newline (and a carriage return before it), or what came before the end of
     * the stream; null if it is longer than {@code maxLength}.
     * @throws SocketTimeoutException if the deadline passes first.
     */
    static String readLine(final Socket client, final int maxLength, final long deadlineNs) throws IOException
    {
        final InputStream in = client.getInputStream();
        final byte[] line = new byte[maxLength + 1];
        int length = 0;
        while (true)
        {
            final long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0)
            {
                throw new SocketTimeoutException("no whole line by the deadline");
            }
            // rounded up: 0 would mean no timeout at all
            client.setSoTimeout((int)Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs + 999_999)));
            final int read = in.read(line, length, line.length - length);
            if (read < 0)
            {
                return decode(line, length);
            }
            for (int i = length; i < length + read; i++)
            {
                if ('\n' == line[i])
                {
                    return decode(line, i);
                }
            }
            length += read;
            if (length > maxLength)
            {
                return null;
            }
        }
    }

    private static String decode(final byte[] line, final int length)
    {
        final int end = length > 0 && '\r' == line[length - 1] ? length - 1 : length;
        return new String(line, 0, end, StandardCharsets.UTF_8);
    }
}
