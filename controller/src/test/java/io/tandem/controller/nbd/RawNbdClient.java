package io.tandem.controller.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A deliberately plain NBD client over a blocking socket, written from the protocol text, that can also break
 * the protocol on purpose. DataInput/DataOutput are big-endian, as NBD is.
 */
final class RawNbdClient implements AutoCloseable
{
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;
    int handshakeFlags;

    RawNbdClient(final int port) throws IOException
    {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
    }

    RawNbdClient greeting() throws IOException
    {
        assertEquals(NbdProtocol.NBDMAGIC, in.readLong());
        assertEquals(NbdProtocol.IHAVEOPT, in.readLong());
        handshakeFlags = in.readUnsignedShort();
        return this;
    }

    RawNbdClient clientFlags(final int flags) throws IOException
    {
        out.writeInt(flags);
        out.flush();
        return this;
    }

    /** Greeting and fixed newstyle with no zeroes. */
    RawNbdClient handshake() throws IOException
    {
        return greeting().clientFlags(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES);
    }

    void option(final int option, final byte[] data) throws IOException
    {
        out.writeLong(NbdProtocol.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    static byte[] infoData(final String name, final int... infos)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(4 + nameBytes.length + 2 + 2 * infos.length);
        data.putInt(nameBytes.length).put(nameBytes).putShort((short)infos.length);
        for (final int info : infos)
        {
            data.putShort((short)info);
        }
        return data.array();
    }

    /** The data of NBD_OPT_LIST_META_CONTEXT and NBD_OPT_SET_META_CONTEXT. */
    static byte[] metaContextData(final String name, final String... queries)
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        int length = 4 + nameBytes.length + 4;
        for (final String query : queries)
        {
            length += 4 + query.getBytes(StandardCharsets.UTF_8).length;
        }
        final java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(length);
        data.putInt(nameBytes.length).put(nameBytes).putInt(queries.length);
        for (final String query : queries)
        {
            final byte[] bytes = query.getBytes(StandardCharsets.UTF_8);
            data.putInt(bytes.length).put(bytes);
        }
        return data.array();
    }

    /** A transmission reply, simple or one structured chunk. */
    static final class Reply
    {
        final boolean structured;
        final int flags;
        final int type;
        final long handle;
        final int error;
        final byte[] payload;

        Reply(final boolean structured, final int flags, final int type, final long handle, final int error,
            final byte[] payload)
        {
            this.structured = structured;
            this.flags = flags;
            this.type = type;
            this.handle = handle;
            this.error = error;
            this.payload = payload;
        }

        java.nio.ByteBuffer buffer()
        {
            return java.nio.ByteBuffer.wrap(payload);
        }

        /** The message of an error chunk. */
        String message()
        {
            final java.nio.ByteBuffer data = buffer();
            final int length = data.getShort(4) & 0xFFFF;
            return new String(payload, 6, length, StandardCharsets.UTF_8);
        }
    }

    /**
     * Reads one reply: a simple reply (its error; a READ's data is left in the stream) or a structured chunk
     * (its payload; the error of an error chunk).
     */
    Reply anyReply() throws IOException
    {
        final int magic = in.readInt();
        if (NbdProtocol.SIMPLE_REPLY_MAGIC == magic)
        {
            final int error = in.readInt();
            return new Reply(false, 0, 0, in.readLong(), error, new byte[0]);
        }
        assertEquals(NbdProtocol.STRUCTURED_REPLY_MAGIC, magic);
        final int flags = in.readUnsignedShort();
        final int type = in.readUnsignedShort();
        final long handle = in.readLong();
        final byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        final int error = 0 != (type & 0x8000) ? java.nio.ByteBuffer.wrap(payload).getInt(0) : 0;
        return new Reply(true, flags, type, handle, error, payload);
    }

    static final class OptionReply
    {
        final int option;
        final int type;
        final byte[] data;

        OptionReply(final int option, final int type, final byte[] data)
        {
            this.option = option;
            this.type = type;
            this.data = data;
        }

        java.nio.ByteBuffer buffer()
        {
            return java.nio.ByteBuffer.wrap(data);
        }
    }

    OptionReply optionReply() throws IOException
    {
        assertEquals(NbdProtocol.OPTION_REPLY_MAGIC, in.readLong());
        final int option = in.readInt();
        final int type = in.readInt();
        final byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new OptionReply(option, type, data);
    }

    /** NBD_OPT_GO on {@code name} expecting success; returns the export flags. */
    int go(final String name) throws IOException
    {
        option(NbdProtocol.OPT_GO, infoData(name));
        int flags = -1;
        while (true)
        {
            final OptionReply reply = optionReply();
            if (NbdProtocol.REP_ACK == reply.type)
            {
                return flags;
            }
            assertEquals(NbdProtocol.REP_INFO, reply.type);
            if (NbdProtocol.INFO_EXPORT == reply.buffer().getShort(0))
            {
                flags = reply.buffer().getShort(10) & 0xFFFF;
            }
        }
    }

    void request(final int flags, final int type, final long handle, final long offset, final int length)
        throws IOException
    {
        request(out, flags, type, handle, offset, length);
    }

    /** Encodes a request header into {@code out}: for a test that sends a stream built ahead. */
    static void request(
        final DataOutputStream out, final int flags, final int type, final long handle, final long offset,
        final int length) throws IOException
    {
        out.writeInt(NbdProtocol.REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(handle);
        out.writeLong(offset);
        out.writeInt(length);
    }

    void write(final int flags, final long handle, final long offset, final byte[] data) throws IOException
    {
        request(flags, NbdProtocol.CMD_WRITE, handle, offset, data.length);
        out.write(data);
    }

    void flush() throws IOException
    {
        out.flush();
    }

    /** Reads a simple reply header; returns the error and stores the handle in {@link #lastHandle}. */
    long lastHandle;

    int reply() throws IOException
    {
        assertEquals(NbdProtocol.SIMPLE_REPLY_MAGIC, in.readInt());
        final int error = in.readInt();
        lastHandle = in.readLong();
        return error;
    }

    /** Sends one request and returns the error of its reply (READ data, if any, is read into {@code data}). */
    int call(final int flags, final int type, final long offset, final int length, final byte[] data)
        throws IOException
    {
        if (NbdProtocol.CMD_WRITE == type)
        {
            write(flags, 77, offset, data);
        }
        else
        {
            request(flags, type, 77, offset, length);
        }
        flush();
        final int error = reply();
        assertEquals(77, lastHandle);
        if (NbdProtocol.CMD_READ == type && 0 == error)
        {
            in.readFully(data, 0, length);
        }
        return error;
    }

    /**
     * @return bytes the server sent that are waiting to be read, or -1 if the socket failed.
     */
    int available()
    {
        try
        {
            return in.available() + socket.getInputStream().available();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /** True if the server closed the connection: reading gives end of stream or a reset. */
    boolean closedByServer() throws IOException
    {
        try
        {
            return in.read() < 0;
        }
        catch (final EOFException | SocketException ex)
        {
            return true;
        }
    }

    public void close() throws IOException
    {
        socket.close();
    }
}
