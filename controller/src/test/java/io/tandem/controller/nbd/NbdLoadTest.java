package io.tandem.controller.nbd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;
import static io.tandem.controller.nbd.NbdProtocol.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Many raw clients at once, each with many requests in flight; and a client that stops reading its replies.
 */
@Timeout(60)
class NbdLoadTest
{
    @Test
    void manyConnectionsEachWithManyRequestsInFlight() throws Exception
    {
        final int connections = 48;
        final int region = 64 << 10;
        final int depth = 16;
        final int rounds = 20;
        try (InMemoryBlockVolume volume = new InMemoryBlockVolume((long)connections * region);
            NbdServer server = NbdServer.launch(new NbdServerContext().port(0).volume(volume)))
        {
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < connections; c++)
            {
                final int id = c;
                final Thread thread = new Thread(() ->
                {
                    try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
                    {
                        client.go("");
                        final byte[] data = new byte[region / depth];
                        final byte[] back = new byte[data.length];
                        for (int round = 0; round < rounds; round++)
                        {
                            for (int i = 0; i < depth; i++)
                            {
                                Arrays.fill(data, (byte)(id * 31 + round * 7 + i));
                                client.write(0, i, (long)id * region + (long)i * data.length, data);
                            }
                            client.flush();
                            for (int i = 0; i < depth; i++)
                            {
                                assertEquals(OK, client.reply());
                            }
                            for (int i = 0; i < depth; i++)
                            {
                                client.request(0, CMD_READ, 100 + i, (long)id * region + (long)i * data.length,
                                    data.length);
                            }
                            client.flush();
                            for (int i = 0; i < depth; i++)
                            {
                                assertEquals(OK, client.reply());
                                final int index = (int)client.lastHandle - 100;
                                client.in.readFully(back);
                                Arrays.fill(data, (byte)(id * 31 + round * 7 + index));
                                assertEquals(0, Arrays.compare(data, back), "connection " + id + " block " + index);
                            }
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            assertNull(failure.get());
            assertEquals((long)connections * rounds * depth, server.counters().writes());
            assertEquals((long)connections * rounds * depth, server.counters().reads());
            assertEquals(connections, server.counters().handshakesCompleted());
        }
    }

    @Test
    void aClientThatStopsReadingHoldsOnlyItselfBack() throws Exception
    {
        final int reads = 400;
        final int length = 64 << 10;
        try (InMemoryBlockVolume volume = new InMemoryBlockVolume(4 << 20);
            NbdServer server = NbdServer.launch(new NbdServerContext().port(0).maxRequestsPerConnection(16)
                .volume(volume));
            RawNbdClient slow = new RawNbdClient(server.port()).handshake();
            RawNbdClient other = new RawNbdClient(server.port()).handshake())
        {
            volume.contents().setMemory(0, 4 << 20, (byte)0x77);
            slow.go("");
            other.go("");
            for (int i = 0; i < reads; i++)
            {
                slow.request(0, CMD_READ, i, (i % 64) * (long)length, length);
            }
            slow.flush();

            // 25 MiB of replies cannot all be buffered: the server must hold the slow client back, not stall
            final byte[] data = new byte[4096];
            for (int i = 0; i < 100; i++)
            {
                assertEquals(OK, other.call(0, CMD_READ, 0, 4096, data));
            }

            final byte[] reply = new byte[length];
            for (int i = 0; i < reads; i++)
            {
                assertEquals(OK, slow.reply());
                assertEquals(i, slow.lastHandle);
                slow.in.readFully(reply);
                assertEquals(0x77, reply[length - 1]);
            }
        }
    }
}
