package io.tandem.cli.nbd;

import io.tandem.controller.nbd.NbdProtocol;

import io.tandem.controller.nbd.BlockVolume;
import io.tandem.controller.nbd.InMemoryBlockVolume;
import io.tandem.controller.nbd.IoCompletion;
import io.tandem.controller.nbd.NbdServer;
import io.tandem.controller.nbd.NbdServerContext;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NbdClientConnectionTest
{
    private static final int SLOTS = 16;
    private static final int LENGTH = 4096;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close()
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            CloseHelper.quietClose(resources.get(i));
        }
    }

    @Test
    void handshakeReportsTheExport() throws IOException
    {
        final NbdServer server = serve(new InMemoryBlockVolume(1 << 20));
        final NbdClientConnection client = connect(server, SLOTS, LENGTH);
        assertEquals(1 << 20, client.export().size());
        assertTrue(client.export().canFlush());
        assertFalse(client.export().readOnly());
        assertEquals(NbdServerContext.MAX_PAYLOAD_DEFAULT, client.export().maxPayload());
    }

    /**
     * The volume answers nothing until all the slots are in flight, then answers them in reverse order: the client
     * must pipeline its queue depth and match replies by handle.
     */
    @Test
    void keepsEverySlotInFlightAndMatchesRepliesOutOfOrder() throws IOException
    {
        final HoldingVolume volume = new HoldingVolume(new InMemoryBlockVolume(1 << 20), SLOTS);
        final NbdServer server = serve(volume);
        final NbdClientConnection client = connect(server, SLOTS, LENGTH);

        for (int i = 0; i < SLOTS; i++)
        {
            final int slot = client.acquireSlot();
            client.slotData(slot).setMemory(0, LENGTH, (byte)(i + 1));
            client.write(slot, (long)i * LENGTH, LENGTH);
        }
        assertEquals(-1, client.acquireSlot());
        final List<Integer> order = new ArrayList<>();
        drain(client, (slot, command, error) ->
        {
            assertEquals(NbdProtocol.CMD_WRITE, command);
            assertEquals(NbdProtocol.OK, error);
            order.add((int)(client.offset(slot) / LENGTH));
        });
        assertEquals(SLOTS, order.size());
        assertEquals(SLOTS - 1, order.get(0));
        assertEquals(0, order.get(SLOTS - 1));

        for (int i = 0; i < SLOTS; i++)
        {
            client.read(client.acquireSlot(), (long)i * LENGTH, LENGTH);
        }
        drain(client, (slot, command, error) ->
        {
            assertEquals(NbdProtocol.CMD_READ, command);
            final byte expected = (byte)(client.offset(slot) / LENGTH + 1);
            for (int b = 0; b < LENGTH; b++)
            {
                assertEquals(expected, client.slotData(slot).getByte(b));
            }
        });
        assertEquals(2 * SLOTS, volume.completed);
    }

    @Test
    void errorsAreReportedPerRequest() throws IOException
    {
        final NbdServer server = serve(new InMemoryBlockVolume(1 << 20));
        final NbdClientConnection client = connect(server, SLOTS, LENGTH);
        client.write(client.acquireSlot(), 1 << 20, LENGTH);
        client.read(client.acquireSlot(), 1 << 20, LENGTH);
        client.flush(client.acquireSlot());
        final List<String> replies = new ArrayList<>();
        drain(client, (slot, command, error) -> replies.add(command + ":" + NbdProtocol.errorName(error)));
        assertEquals(List.of("1:ENOSPC", "0:EINVAL", "3:OK"), replies);

        server.refuseIo(true);
        client.read(client.acquireSlot(), 0, LENGTH);
        replies.clear();
        drain(client, (slot, command, error) -> replies.add(NbdProtocol.errorName(error)));
        assertEquals(List.of("ESHUTDOWN"), replies);
    }

    @Test
    void aClosedServerIsAnEndOfFile() throws IOException
    {
        final NbdServer server = serve(new InMemoryBlockVolume(1 << 20));
        final NbdClientConnection client = connect(server, SLOTS, LENGTH);
        server.close();
        assertThrows(IOException.class, () ->
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < deadlineNs)
            {
                final int slot = client.acquireSlot();
                if (slot >= 0)
                {
                    client.read(slot, 0, LENGTH);
                }
                client.send();
                client.receive((s, command, error) -> { });
            }
        });
    }

    @Test
    void notAnNbdServerIsAProtocolError() throws IOException
    {
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0))
        {
            final Thread talker = new Thread(() ->
            {
                try (java.net.Socket socket = listener.accept())
                {
                    socket.getOutputStream().write("SSH-2.0-OpenSSH_9.2\r\n".getBytes());
                    socket.getInputStream().read();
                }
                catch (final IOException ignore)
                {
                    // the client hung up
                }
            });
            talker.start();
            final NbdProtocolException ex = assertThrows(NbdProtocolException.class, () -> NbdClientConnection.connect(
                new InetSocketAddress("127.0.0.1", listener.getLocalPort()), SLOTS, LENGTH,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
            assertTrue(ex.getMessage().contains("not an NBD server"), ex::getMessage);
        }
    }

    private void drain(final NbdClientConnection client, final NbdReplyHandler handler) throws IOException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.inFlight() > 0)
        {
            client.send();
            client.receive(handler);
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError(client.inFlight() + " requests never answered");
            }
        }
    }

    private NbdServer serve(final BlockVolume volume) throws IOException
    {
        resources.add(volume);
        final NbdServer server = NbdServer.launch(new NbdServerContext().port(0).volume(volume));
        resources.add(server);
        return server;
    }

    private NbdClientConnection connect(final NbdServer server, final int slots, final int length) throws IOException
    {
        final NbdClientConnection client = NbdClientConnection.connect(
            new InetSocketAddress("127.0.0.1", server.port()), slots, length,
            System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        resources.add(client);
        return client;
    }

    /**
     * Holds every request until {@code batch} are pending, then completes them newest first. Called on the server's
     * one thread.
     */
    private static final class HoldingVolume implements BlockVolume
    {
        private final BlockVolume delegate;
        private final int batch;
        private final List<Runnable> pending = new ArrayList<>();
        int completed;

        HoldingVolume(final BlockVolume delegate, final int batch)
        {
            this.delegate = delegate;
            this.batch = batch;
        }

        public long size()
        {
            return delegate.size();
        }

        public void submitRead(final long token, final long offset, final ByteBuffer dst, final IoCompletion done)
        {
            hold(() -> delegate.submitRead(token, offset, dst, done));
        }

        public void submitWrite(
            final long token, final long offset, final ByteBuffer src, final boolean fua, final IoCompletion done)
        {
            hold(() -> delegate.submitWrite(token, offset, src, fua, done));
        }

        public void submitFlush(final long token, final IoCompletion done)
        {
            hold(() -> delegate.submitFlush(token, done));
        }

        public void submitTrim(
            final long token, final long offset, final long length, final boolean fua, final IoCompletion done)
        {
            hold(() -> delegate.submitTrim(token, offset, length, fua, done));
        }

        public void submitWriteZeroes(
            final long token, final long offset, final long length, final boolean fua, final boolean noHole,
            final IoCompletion done)
        {
            hold(() -> delegate.submitWriteZeroes(token, offset, length, fua, noHole, done));
        }

        public void close() throws IOException
        {
            delegate.close();
        }

        private void hold(final Runnable request)
        {
            pending.add(request);
            if (pending.size() == batch)
            {
                for (int i = pending.size() - 1; i >= 0; i--)
                {
                    pending.get(i).run();
                    completed++;
                }
                pending.clear();
            }
        }
    }
}
