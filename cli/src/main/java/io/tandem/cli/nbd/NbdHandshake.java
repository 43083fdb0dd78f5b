package io.tandem.cli.nbd;

import io.tandem.controller.nbd.NbdProtocol;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the fixed newstyle handshake: read the server's greeting, send the client flags, ask for the
 * default export (the empty name) with NBD_OPT_GO, and collect NBD_INFO_EXPORT and NBD_INFO_BLOCK_SIZE until
 * NBD_REP_ACK. Transmission starts right after.
 * <p>
 * Works on a non-blocking channel and waits on a selector, so every step honours one deadline (connecting
 * included). Allocates; runs once per connection.
 * <p>
 * Not thread-safe: one instance per connection attempt.
 */
final class NbdHandshake
{
    private static final int MAX_OPTION_REPLY_LENGTH = 64 << 10;

    private final SocketChannel channel;
    private final Selector selector;
    private final long deadlineNs;
    private final ByteBuffer buffer = ByteBuffer.allocate(MAX_OPTION_REPLY_LENGTH);

    NbdHandshake(final SocketChannel channel, final Selector selector, final long deadlineNs)
    {
        this.channel = channel;
        this.selector = selector;
        this.deadlineNs = deadlineNs;
    }

    void finishConnect() throws IOException
    {
        final SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
        try
        {
            while (!channel.finishConnect())
            {
                waitFor();
            }
        }
        finally
        {
            if (key.isValid())
            {
                key.interestOps(0);
            }
        }
    }

    NbdExport run() throws IOException
    {
        receive(18);
        final long magic = buffer.getLong();
        final long option = buffer.getLong();
        final int handshakeFlags = buffer.getShort() & 0xFFFF;
        if (NbdProtocol.NBDMAGIC != magic || NbdProtocol.IHAVEOPT != option)
        {
            throw new NbdProtocolException("not an NBD server (no fixed newstyle greeting)");
        }
        if ((handshakeFlags & NbdProtocol.FLAG_FIXED_NEWSTYLE) == 0)
        {
            throw new NbdProtocolException("the server does not speak the fixed newstyle handshake");
        }

        buffer.clear();
        buffer.putInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | (handshakeFlags & NbdProtocol.FLAG_NO_ZEROES));
        // NBD_OPT_GO: name length 0 (the default export), one information request: NBD_INFO_BLOCK_SIZE
        buffer.putLong(NbdProtocol.IHAVEOPT).putInt(NbdProtocol.OPT_GO).putInt(4 + 2 + 2);
        buffer.putInt(0).putShort((short)1).putShort((short)NbdProtocol.INFO_BLOCK_SIZE);
        buffer.flip();
        send();

        long size = -1;
        int transmissionFlags = 0;
        int maxPayload = NbdExport.DEFAULT_MAX_PAYLOAD;
        while (true)
        {
            receive(20);
            final long replyMagic = buffer.getLong();
            final int replyOption = buffer.getInt();
            final int replyType = buffer.getInt();
            final int length = buffer.getInt();
            if (NbdProtocol.OPTION_REPLY_MAGIC != replyMagic || NbdProtocol.OPT_GO != replyOption)
            {
                throw new NbdProtocolException("bad option reply during the handshake");
            }
            if (length < 0 || length > MAX_OPTION_REPLY_LENGTH)
            {
                throw new NbdProtocolException("option reply of " + length + " bytes");
            }
            receive(length);
            if ((replyType & NbdProtocol.REP_FLAG_ERROR) != 0)
            {
                final byte[] text = new byte[length];
                buffer.get(text);
                throw new NbdProtocolException("the server refused the default export (reply 0x" +
                    Integer.toHexString(replyType) +
                    (length > 0 ? ": " + new String(text, StandardCharsets.UTF_8) : "") + ")");
            }
            if (NbdProtocol.REP_ACK == replyType)
            {
                break;
            }
            if (NbdProtocol.REP_INFO == replyType && length >= 2)
            {
                final int infoType = buffer.getShort() & 0xFFFF;
                if (NbdProtocol.INFO_EXPORT == infoType && length >= 12)
                {
                    size = buffer.getLong();
                    transmissionFlags = buffer.getShort() & 0xFFFF;
                }
                else if (NbdProtocol.INFO_BLOCK_SIZE == infoType && length >= 14)
                {
                    buffer.getInt();
                    buffer.getInt();
                    maxPayload = buffer.getInt();
                }
            }
        }
        if (size < 0)
        {
            throw new NbdProtocolException("the server sent no NBD_INFO_EXPORT before NBD_REP_ACK");
        }
        return new NbdExport(size, transmissionFlags, maxPayload);
    }

    private void receive(final int length) throws IOException
    {
        buffer.clear().limit(length);
        final SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        try
        {
            while (buffer.hasRemaining())
            {
                if (channel.read(buffer) < 0)
                {
                    throw new EOFException("the server closed the connection during the handshake");
                }
                if (buffer.hasRemaining())
                {
                    waitFor();
                }
            }
        }
        finally
        {
            if (key.isValid())
            {
                key.interestOps(0);
            }
        }
        buffer.flip();
    }

    private void send() throws IOException
    {
        final SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
        try
        {
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
                if (buffer.hasRemaining())
                {
                    waitFor();
                }
            }
        }
        finally
        {
            if (key.isValid())
            {
                key.interestOps(0);
            }
        }
    }

    private void waitFor() throws IOException
    {
        final long remainingNs = deadlineNs - System.nanoTime();
        if (remainingNs <= 0)
        {
            throw new SocketTimeoutException("handshake timed out");
        }
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNs)));
        selector.selectedKeys().clear();
    }
}
