package io.tandem.controller.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static io.tandem.controller.nbd.NbdProtocol.CMD_FLUSH;
import static io.tandem.controller.nbd.NbdProtocol.ESHUTDOWN;
import static io.tandem.controller.nbd.NbdProtocol.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The volume's service address, as two servers of a pair use it: only one holds it, the other's bind is refused
 * (BUSY) and retried until the first lets it go, clients of the address reach whoever holds it, releasing it
 * disconnects its clients and no one else, and while the holder refuses I/O its service clients are neither
 * served nor refused (an unmodified client takes an error reply as final) but parked, and sent on to the volume
 * when it serves again.
 */
@Timeout(60)
class NbdServiceAddressTest
{
    private static final long SIZE_A = 16L << 20;
    private static final long SIZE_B = 32L << 20;

    private TestVolume volumeA;
    private TestVolume volumeB;
    private NbdServer serverA;
    private NbdServer serverB;

    @AfterEach
    void stop()
    {
        org.agrona.CloseHelper.quietCloseAll(serverA, serverB, volumeA, volumeB);
    }

    @Test
    void onlyOneServerHoldsTheAddressAndLettingItGoHandsItOn() throws Exception
    {
        volumeA = new TestVolume(SIZE_A);
        volumeB = new TestVolume(SIZE_B);
        serverA = launch(volumeA);
        serverB = launch(volumeB);
        final InetSocketAddress service = freeAddress();

        serverA.serviceAddress(service);
        ServerSteps.stepUntil(serverA, () -> ServiceAddressState.BOUND == serverA.serviceAddressState());
        serverB.serviceAddress(service);
        ServerSteps.stepFor20Ms(serverB);
        assertEquals(ServiceAddressState.BUSY, serverB.serviceAddressState());
        assertTrue(serverB.serviceAddressRefusal().contains("in use"), serverB.serviceAddressRefusal());
        assertEquals(1, serverB.counters().serviceBindRefusals(), "counted once per wait, not per retry");

        try (RawNbdClient viaService = connect(serverA, service.getPort(), SIZE_A);
            RawNbdClient direct = connect(serverA, serverA.port(), SIZE_A))
        {
            flush(serverA, viaService, 1, OK);

            serverA.serviceAddress(null);
            ServerSteps.stepUntil(serverA, () -> ServiceAddressState.RELEASED == serverA.serviceAddressState());
            assertTrue(viaService.closedByServer(), "letting the address go disconnects its clients");
            flush(serverA, direct, 2, OK); // and no one else
        }

        ServerSteps.stepUntil(serverB, () -> ServiceAddressState.BOUND == serverB.serviceAddressState());
        try (RawNbdClient viaService = connect(serverB, service.getPort(), SIZE_B))
        {
            flush(serverB, viaService, 3, OK);
        }
        assertEquals(1, serverA.counters().serviceBinds());
        assertEquals(1, serverB.counters().serviceBinds());
    }

    @Test
    void whileTheHolderRefusesIoItsServiceClientsAreParkedNotRefused() throws Exception
    {
        volumeA = new TestVolume(SIZE_A);
        serverA = launch(volumeA);
        final InetSocketAddress service = freeAddress();
        serverA.serviceAddress(service);
        ServerSteps.stepUntil(serverA, () -> ServiceAddressState.BOUND == serverA.serviceAddressState());

        try (RawNbdClient viaService = connect(serverA, service.getPort(), SIZE_A);
            RawNbdClient direct = connect(serverA, serverA.port(), SIZE_A))
        {
            serverA.refuseIo(true);
            flush(serverA, direct, 1, ESHUTDOWN);
            viaService.request(0, CMD_FLUSH, 2, 0, 0);
            viaService.flush();
            ServerSteps.stepFor20Ms(serverA);
            assertEquals(0, viaService.available(), "neither served nor refused");

            serverA.refuseIo(false);
            ServerSteps.stepUntil(serverA, () -> viaService.available() >= NbdSimpleReplyEncoder.HEADER_LENGTH);
            assertEquals(OK, viaService.reply());
            assertEquals(2, viaService.lastHandle);

            // a write parked when the address is let go of never reaches the volume: the client sends it again
            serverA.refuseIo(true);
            final int writesBefore = volumeA.submitted().size();
            viaService.write(0, 3, 0, new byte[4096]);
            viaService.flush();
            ServerSteps.stepFor20Ms(serverA);
            serverA.serviceAddress(null);
            ServerSteps.stepUntil(serverA, () -> ServiceAddressState.RELEASED == serverA.serviceAddressState());
            assertTrue(viaService.closedByServer());
            assertEquals(writesBefore, volumeA.submitted().size(), "the parked write did not reach the volume");
            assertFalse(volumeA.submitted().stream().anyMatch(s -> "WRITE".equals(s.command)));
        }
    }

    private static NbdServer launch(final TestVolume volume) throws IOException
    {
        return NbdServer.launch(new NbdServerContext().port(0).volume(volume).useAgentInvoker(true).coalesceDepth(0));
    }

    private static InetSocketAddress freeAddress() throws IOException
    {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            return new InetSocketAddress("127.0.0.1", probe.getLocalPort());
        }
    }

    private static RawNbdClient connect(final NbdServer server, final int port, final long size) throws Exception
    {
        final RawNbdClient client = new RawNbdClient(port);
        ServerSteps.stepUntil(server, () -> client.available() >= NbdHandshakeEncoder.GREETING_LENGTH);
        client.handshake();
        client.option(NbdProtocol.OPT_EXPORT_NAME, new byte[0]);
        ServerSteps.stepUntil(server, () -> client.available() >= NbdHandshakeEncoder.EXPORT_LENGTH);
        assertEquals(size, client.in.readLong(), "reached the server that holds the address");
        client.in.readUnsignedShort();
        return client;
    }

    private static void flush(final NbdServer server, final RawNbdClient client, final long handle, final int error)
        throws Exception
    {
        client.request(0, CMD_FLUSH, handle, 0, 0);
        client.flush();
        ServerSteps.stepUntil(server, () -> client.available() >= NbdSimpleReplyEncoder.HEADER_LENGTH);
        assertEquals(error, client.reply());
        assertEquals(handle, client.lastHandle);
    }
}
