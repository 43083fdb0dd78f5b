package io.tandem.controller.nbd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's duty cycle allocates nothing per request once warm: the test steps the agent itself (invoker mode)
 * and counts the bytes its own thread allocates inside the duty cycles, while a client on another thread keeps
 * 32 writes and reads in flight; with simple replies, and with structured replies (reads as OFFSET_DATA chunks)
 * and a block status after every read.
 */
@Timeout(60)
class SteadyStateAllocationTest
{
    private static final int DEPTH = 32;
    private static final long LARGE_HANDLE = 4 * DEPTH;
    private static final int WARMUP_BATCHES = 600;
    private static final int MEASURED_BATCHES = 200;

    @Test
    void dutyCyclesDoNotAllocatePerRequest() throws Exception
    {
        measure(false);
    }

    @Test
    void structuredRepliesAndBlockStatusDoNotAllocatePerRequest() throws Exception
    {
        measure(true);
    }

    private void measure(final boolean structured) throws Exception
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (InMemoryBlockVolume volume = new InMemoryBlockVolume(16 << 20);
            NbdServer server = NbdServer.launch(new NbdServerContext().port(0).useAgentInvoker(true).volume(volume)))
        {
            final int port = server.port();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final int[] phase = new int[1];
            final Object lock = new Object();
            final Thread client = new Thread(() ->
            {
                try (RawNbdClient nbd = new RawNbdClient(port).handshake())
                {
                    if (structured)
                    {
                        nbd.option(NbdProtocol.OPT_STRUCTURED_REPLY, new byte[0]);
                        assertEquals(NbdProtocol.REP_ACK, nbd.optionReply().type);
                        nbd.option(NbdProtocol.OPT_SET_META_CONTEXT,
                            RawNbdClient.metaContextData("", NbdProtocol.CONTEXT_BASE_ALLOCATION));
                        assertEquals(NbdProtocol.REP_META_CONTEXT, nbd.optionReply().type);
                        assertEquals(NbdProtocol.REP_ACK, nbd.optionReply().type);
                    }
                    nbd.go("");
                    final byte[] data = new byte[4096];
                    // a payload this long is read straight into its request buffer, the next header with it
                    final byte[] large = new byte[NbdConnection.LARGE_PAYLOAD * 2];
                    for (int batch = 0; batch < WARMUP_BATCHES + MEASURED_BATCHES; batch++)
                    {
                        if (WARMUP_BATCHES == batch)
                        {
                            synchronized (lock)
                            {
                                phase[0] = 1;
                            }
                        }
                        for (int i = 0; i < DEPTH; i++)
                        {
                            Arrays.fill(data, (byte)i);
                            nbd.write(0, i, i * 4096L, data);
                        }
                        nbd.write(0, LARGE_HANDLE, DEPTH * 4096L, large);
                        for (int i = 0; i < DEPTH; i++)
                        {
                            nbd.request(0, NbdProtocol.CMD_READ, DEPTH + i, i * 4096L, 4096);
                            if (structured)
                            {
                                nbd.request(0, NbdProtocol.CMD_BLOCK_STATUS, 2 * DEPTH + i, i * 4096L, 8192);
                            }
                        }
                        nbd.flush();
                        for (int i = 0; i < (structured ? 3 : 2) * DEPTH + 1; i++)
                        {
                            if (structured)
                            {
                                final RawNbdClient.Reply reply = nbd.anyReply();
                                assertEquals(NbdProtocol.OK, reply.error);
                                if (NbdProtocol.REPLY_TYPE_OFFSET_DATA == reply.type)
                                {
                                    assertEquals(8 + 4096, reply.payload.length);
                                    assertEquals((byte)(reply.handle - DEPTH), reply.payload[8 + 4095]);
                                }
                                continue;
                            }
                            assertEquals(NbdProtocol.OK, nbd.reply());
                            if (nbd.lastHandle >= DEPTH && nbd.lastHandle < 2 * DEPTH)
                            {
                                nbd.in.readFully(data);
                                assertEquals((byte)(nbd.lastHandle - DEPTH), data[4095]);
                            }
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
                synchronized (lock)
                {
                    phase[0] = 2;
                }
            });
            client.start();

            long measuredBytes = 0;
            long measuredCycles = 0;
            while (true)
            {
                final int now;
                synchronized (lock)
                {
                    now = phase[0];
                }
                if (2 == now)
                {
                    break;
                }
                final long before = threads.getCurrentThreadAllocatedBytes();
                final int work = server.invoker().invoke();
                final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                if (1 == now && work > 0)
                {
                    measuredBytes += allocated;
                    measuredCycles++;
                }
            }
            client.join();
            assertNull(failure.get());
            final long requests = (long)MEASURED_BATCHES * (structured ? 3 : 2) * DEPTH;
            assertTrue(measuredCycles > 0);
            assertTrue(measuredBytes < requests / 8,
                measuredBytes + " bytes allocated in " + measuredCycles + " busy duty cycles for " + requests +
                " requests");
            assertEquals((long)(WARMUP_BATCHES + MEASURED_BATCHES) * (DEPTH + 1), server.counters().writes());
            assertEquals(structured ? (long)(WARMUP_BATCHES + MEASURED_BATCHES) * DEPTH : 0,
                server.counters().blockStatus());
        }
    }
}
