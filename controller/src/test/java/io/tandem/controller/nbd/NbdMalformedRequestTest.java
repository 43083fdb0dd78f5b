package io.tandem.controller.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.tandem.controller.nbd.NbdProtocol.CMD_FLUSH;
import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;
import static io.tandem.controller.nbd.NbdProtocol.CMD_WRITE;
import static io.tandem.controller.nbd.NbdProtocol.EINVAL;
import static io.tandem.controller.nbd.NbdProtocol.EOVERFLOW;
import static io.tandem.controller.nbd.NbdProtocol.IHAVEOPT;
import static io.tandem.controller.nbd.NbdProtocol.OK;
import static io.tandem.controller.nbd.NbdProtocol.OPT_LIST;
import static io.tandem.controller.nbd.NbdProtocol.REQUEST_MAGIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Malformed requests beyond those of {@link NbdProtocolTest}: lengths at the top of their unsigned range, option
 * data over the limit, and requests cut into single bytes. Each gets its NBD error with the connection going on,
 * or closes its own connection only; nothing acknowledged is lost.
 */
@Timeout(30)
class NbdMalformedRequestTest
{
    private static final long SIZE = 4L << 20;
    private static final int MAX_PAYLOAD = 1 << 20;
    private static final int MAX_UNSIGNED_INT = 0xFFFF_FFFF;

    private TestVolume volume;
    private NbdServer server;

    private void start() throws Exception
    {
        volume = new TestVolume(SIZE);
        server = NbdServer.launch(new NbdServerContext().port(0).maxPayload(MAX_PAYLOAD).volume(volume));
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
    void lengthsOf4GiBMinusOneGetTheirErrorsAndTheConnectionGoesOn() throws Exception
    {
        start();
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            final byte[] data = new byte[4096];
            assertEquals(EOVERFLOW, client.call(0, CMD_READ, 0, MAX_UNSIGNED_INT, data), "READ over max payload");
            assertEquals(EINVAL, client.call(0, 42, 0, MAX_UNSIGNED_INT, null), "unknown command, no payload read");
            assertEquals(EINVAL, client.call(0, NbdProtocol.CMD_TRIM, 4096, MAX_UNSIGNED_INT, null), "TRIM past end");
            assertEquals(OK, client.call(0, CMD_FLUSH, 0, 0, null));
            assertTrue(volume.submitted().stream().allMatch(request -> "FLUSH".equals(request.command)),
                volume.submitted().toString());
        }
    }

    @Test
    void aWriteOf4GiBMinusOneClosesItsConnectionOnlyAndLosesNothing() throws Exception
    {
        start();
        try (RawNbdClient good = new RawNbdClient(server.port()).handshake();
            RawNbdClient bad = new RawNbdClient(server.port()).handshake())
        {
            good.go("");
            bad.go("");
            final byte[] data = new byte[4096];
            Arrays.fill(data, (byte)0x3c);
            assertEquals(OK, bad.call(0, CMD_WRITE, 8192, 4096, data), "acknowledged before the violation");

            bad.request(0, CMD_WRITE, 9, 0, MAX_UNSIGNED_INT);
            bad.out.write(new byte[4096]);
            bad.flush();
            assertTrue(bad.closedByServer());
            assertEquals(1, server.counters().protocolViolations());

            final byte[] back = new byte[4096];
            assertEquals(OK, good.call(0, CMD_READ, 8192, 4096, back));
            assertArrayEquals(data, back, "the write acknowledged on the closed connection is kept");
            assertEquals(OK, good.call(0, CMD_READ, 0, 4096, back));
            assertArrayEquals(new byte[4096], back, "nothing of the refused write was written");
        }
    }

    @Test
    void optionDataOverTheLimitClosesThatConnectionOnly() throws Exception
    {
        start();
        try (RawNbdClient good = new RawNbdClient(server.port()).handshake();
            RawNbdClient bad = new RawNbdClient(server.port()).handshake())
        {
            bad.out.writeLong(IHAVEOPT);
            bad.out.writeInt(OPT_LIST);
            bad.out.writeInt(NbdServerContext.MAX_OPTION_LENGTH + 1);
            bad.flush();
            assertTrue(bad.closedByServer());
            assertEquals(1, server.counters().protocolViolations());

            good.go("");
            assertEquals(OK, good.call(0, CMD_FLUSH, 0, 0, null));
        }
    }

    @Test
    void requestsSentOneByteAtATimeAreParsedWhole() throws Exception
    {
        start();
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            final byte[] data = new byte[4096];
            new java.util.Random(7).nextBytes(data);
            final ByteBuffer write = ByteBuffer.allocate(28 + data.length);
            write.putInt(REQUEST_MAGIC).putShort((short)0).putShort((short)CMD_WRITE).putLong(11).putLong(4096)
                .putInt(data.length).put(data);
            for (final byte b : write.array())
            {
                client.out.write(b);
                client.flush();
            }
            assertEquals(OK, client.reply());
            assertEquals(11, client.lastHandle);

            final byte[] back = new byte[4096];
            assertEquals(OK, client.call(0, CMD_READ, 4096, 4096, back));
            assertArrayEquals(data, back);
            assertEquals(0, server.counters().protocolViolations());
        }
    }
}
