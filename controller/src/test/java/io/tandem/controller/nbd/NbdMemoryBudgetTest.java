package io.tandem.controller.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;
import static io.tandem.controller.nbd.NbdProtocol.CMD_WRITE;
import static io.tandem.controller.nbd.NbdProtocol.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One budget for request and reply buffers across every connection: clients that queue more large requests than
 * it holds have the rest left unread in their sockets, every request is still answered, and the bytes held never
 * pass the budget, during the load or after it.
 */
@Timeout(60)
class NbdMemoryBudgetTest
{
    private static final int MIB = 1 << 20;
    private static final long SIZE = 16L * MIB;
    private static final long BUDGET = 4L * MIB;
    private static final int DEPTH = 8;

    private TestVolume volume;
    private NbdServer server;
    private Thread stepper;

    private void start(final int retainedLength) throws IOException
    {
        volume = new TestVolume(SIZE);
        volume.hold(true);
        server = NbdServer.launch(new NbdServerContext().port(0).volume(volume).useAgentInvoker(true)
            .maxPayload(MIB).retainedRequestBufferLength(retainedLength).maxBufferBytes(BUDGET)
            .maxRequestsPerConnection(DEPTH).coalesceDepth(0));
    }

    @AfterEach
    void stop() throws InterruptedException
    {
        stopStepping();
        if (null != server)
        {
            server.close();
        }
        if (null != volume)
        {
            volume.close();
        }
    }

    @Test
    void readsBeyondTheBudgetWaitInTheirSocketsAndAllAreAnswered() throws Exception
    {
        start(MIB);
        queueLargeRequestsOnTwoConnectionsAndDrain(CMD_READ);
        assertTrue(server.counters().bufferBytes() <= BUDGET, server.counters().toString());
    }

    @Test
    void writesBeyondTheBudgetWaitInTheirSocketsAndAllAreAnswered() throws Exception
    {
        start(MIB);
        queueLargeRequestsOnTwoConnectionsAndDrain(CMD_WRITE);
        assertTrue(server.counters().bufferBytes() <= BUDGET, server.counters().toString());
    }

    @Test
    void buffersLongerThanTheRetainedLengthAreFreedWhenTheirRequestsAreDone() throws Exception
    {
        start(64 << 10);
        queueLargeRequestsOnTwoConnectionsAndDrain(CMD_READ);
        ServerSteps.stepUntil(server, () -> 0 == server.counters().bufferBytes());
    }

    private void queueLargeRequestsOnTwoConnectionsAndDrain(final int type) throws Exception
    {
        try (RawNbdClient first = connect(); RawNbdClient second = connect())
        {
            final List<Thread> senders = new ArrayList<>();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            for (final RawNbdClient client : List.of(first, second))
            {
                // a queue of large WRITEs fills the socket: the client blocks while the server holds back
                final Thread sender = new Thread(() ->
                {
                    try
                    {
                        final byte[] data = new byte[MIB];
                        for (int i = 0; i < DEPTH; i++)
                        {
                            if (CMD_WRITE == type)
                            {
                                client.write(0, i, (long)i * MIB, data);
                            }
                            else
                            {
                                client.request(0, CMD_READ, i, (long)i * MIB, MIB);
                            }
                        }
                        client.flush();
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                senders.add(sender);
                sender.start();
            }

            final long inBudget = BUDGET / MIB;
            ServerSteps.stepUntil(server, () -> volume.submitted().size() >= inBudget);
            ServerSteps.stepFor20Ms(server);
            assertEquals(inBudget, volume.submitted().size(), "requests past the budget were read");
            assertTrue(server.counters().bufferWaits() > 0, server.counters().toString());
            assertTrue(server.counters().bufferBytes() <= BUDGET, server.counters().toString());

            volume.hold(false);
            volume.releaseInReverse();
            startStepping();
            final List<Thread> readers = new ArrayList<>();
            for (final RawNbdClient client : List.of(first, second))
            {
                final Thread reader = new Thread(() ->
                {
                    try
                    {
                        final byte[] back = new byte[MIB];
                        for (int i = 0; i < DEPTH; i++)
                        {
                            assertEquals(OK, client.reply());
                            if (CMD_READ == type)
                            {
                                client.in.readFully(back);
                            }
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                readers.add(reader);
                reader.start();
            }
            for (final Thread thread : senders)
            {
                thread.join();
            }
            for (final Thread thread : readers)
            {
                thread.join();
            }
            assertNull(failure.get());
            assertEquals(2 * DEPTH, volume.submitted().size());
            stopStepping();
        }
    }

    private RawNbdClient connect() throws Exception
    {
        final RawNbdClient client = new RawNbdClient(server.port());
        ServerSteps.stepUntil(server, () -> available(client) >= NbdHandshakeEncoder.GREETING_LENGTH);
        client.handshake();
        client.option(NbdProtocol.OPT_EXPORT_NAME, new byte[0]);
        ServerSteps.stepUntil(server, () -> available(client) >= NbdHandshakeEncoder.EXPORT_LENGTH);
        assertEquals(SIZE, client.in.readLong());
        client.in.readUnsignedShort();
        return client;
    }

    private static int available(final RawNbdClient client)
    {
        try
        {
            return client.in.available() + client.socket.getInputStream().available();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    private void startStepping()
    {
        stepper = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                server.invoker().invoke();
            }
        }, "stepper");
        stepper.start();
    }

    private void stopStepping() throws InterruptedException
    {
        if (null != stepper)
        {
            stepper.interrupt();
            stepper.join();
            stepper = null;
        }
    }


}
