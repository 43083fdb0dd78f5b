package io.tandem.controller.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static io.tandem.controller.nbd.NbdProtocol.CMD_FLUSH;
import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;
import static io.tandem.controller.nbd.NbdProtocol.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle clients cannot hold the connections for ever: stepped on the test's clock, a connection left unused for
 * the idle timeout is closed, one with a request at the volume is not, a client over the limit is refused at once,
 * and a client that stops reading its replies gives its buffers back when it is closed.
 */
@Timeout(30)
class NbdIdleTimeoutTest
{
    private static final long SIZE = 16L << 20;
    private static final long IDLE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final long[] nowNs = {TimeUnit.SECONDS.toNanos(1000)};
    private TestVolume volume;
    private NbdServer server;

    private void start(final NbdServerContext ctx) throws IOException
    {
        volume = new TestVolume(SIZE);
        server = NbdServer.launch(ctx.port(0).volume(volume).useAgentInvoker(true).nanoClock(() -> nowNs[0])
            .idleTimeoutNs(IDLE_TIMEOUT_NS).coalesceDepth(0));
    }

    @AfterEach
    void stop()
    {
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
    void idleConnectionsAreClosedSoThatNewClientsGetIn() throws Exception
    {
        start(new NbdServerContext().maxConnections(2));
        try (RawNbdClient busy = connect(); RawNbdClient idle = connect())
        {
            try (RawNbdClient refused = new RawNbdClient(server.port()))
            {
                ServerSteps.stepUntil(server, () -> 1 == server.counters().connectionsRejected());
                assertTrue(refused.closedByServer(), "over the limit: closed at once, not left in the backlog");
            }

            nowNs[0] += IDLE_TIMEOUT_NS - TimeUnit.SECONDS.toNanos(1);
            flush(busy, 1);
            ServerSteps.stepFor20Ms(server);
            assertEquals(0, server.counters().idleTimeouts());

            nowNs[0] += TimeUnit.SECONDS.toNanos(2);
            ServerSteps.stepFor20Ms(server);
            assertEquals(1, server.counters().idleTimeouts());
            assertTrue(idle.closedByServer());

            try (RawNbdClient next = connect())
            {
                flush(next, 2);
            }
            flush(busy, 3);
        }
    }

    @Test
    void aConnectionWithARequestAtTheVolumeIsNotIdle() throws Exception
    {
        start(new NbdServerContext());
        volume.hold(true);
        try (RawNbdClient client = connect())
        {
            client.request(0, CMD_READ, 7, 0, 4096);
            client.flush();
            ServerSteps.stepUntil(server, () -> 1 == volume.heldCount());
            nowNs[0] += 2 * IDLE_TIMEOUT_NS;
            ServerSteps.stepFor20Ms(server);
            assertEquals(0, server.counters().idleTimeouts());

            volume.hold(false);
            volume.releaseInReverse();
            ServerSteps.stepUntil(server, () -> client.available() >= NbdSimpleReplyEncoder.HEADER_LENGTH + 4096);
            assertEquals(OK, client.reply());
            assertEquals(7, client.lastHandle);
            client.in.readFully(new byte[4096]);

            nowNs[0] += IDLE_TIMEOUT_NS + 1;
            ServerSteps.stepFor20Ms(server);
            assertEquals(1, server.counters().idleTimeouts());
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void aClientThatStopsReadingItsRepliesIsClosedAndItsBuffersComeBack() throws Exception
    {
        final int mib = 1 << 20;
        start(new NbdServerContext().maxPayload(mib).maxBufferBytes(8L * mib).retainedRequestBufferLength(64 << 10)
            .maxRequestsPerConnection(16));
        try (RawNbdClient stalled = connect())
        {
            for (int i = 0; i < 16; i++)
            {
                stalled.request(0, CMD_READ, i, (long)i * mib, mib);
            }
            stalled.flush();
            // 16 MiB of replies: more than loopback's socket buffers take, so buffers stay held for the client
            ServerSteps.stepUntil(server, () -> volume.submitted().size() >= 8);
            ServerSteps.stepFor20Ms(server);
            assertTrue(server.counters().bufferBytes() >= mib, server.counters().toString());

            nowNs[0] += IDLE_TIMEOUT_NS + TimeUnit.SECONDS.toNanos(1);
            ServerSteps.stepFor20Ms(server);
            assertEquals(1, server.counters().idleTimeouts());
            assertEquals(0, server.counters().bufferBytes(), server.counters().toString());
        }
    }

    private RawNbdClient connect() throws Exception
    {
        final RawNbdClient client = new RawNbdClient(server.port());
        ServerSteps.stepUntil(server, () -> client.available() >= NbdHandshakeEncoder.GREETING_LENGTH);
        client.handshake();
        client.option(NbdProtocol.OPT_EXPORT_NAME, new byte[0]);
        ServerSteps.stepUntil(server, () -> client.available() >= NbdHandshakeEncoder.EXPORT_LENGTH);
        assertEquals(SIZE, client.in.readLong());
        client.in.readUnsignedShort();
        return client;
    }

    private void flush(final RawNbdClient client, final long handle) throws Exception
    {
        client.request(0, CMD_FLUSH, handle, 0, 0);
        client.flush();
        ServerSteps.stepUntil(server, () -> client.available() >= NbdSimpleReplyEncoder.HEADER_LENGTH);
        assertEquals(OK, client.reply());
        assertEquals(handle, client.lastHandle);
    }
}
