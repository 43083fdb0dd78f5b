package io.tandem.controller.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;
import static io.tandem.controller.nbd.NbdProtocol.CMD_WRITE;
import static io.tandem.controller.nbd.NbdProtocol.OK;
import static io.tandem.controller.nbd.NbdProtocol.REQUEST_MAGIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * WRITE payloads read straight into their request buffers: large and small writes, and reads between them, sent
 * as one pipelined stream cut into pieces of awkward sizes (a header split in two, a payload and the next header in
 * one piece, many small requests in one), land byte for byte where they were written.
 */
@Timeout(30)
class NbdLargePayloadTest
{
    private static final long SIZE = 8L << 20;
    private static final int[] WRITE_LENGTHS = {65536, 4096, NbdConnection.LARGE_PAYLOAD, 131072, 512, 98304, 65536,
        NbdConnection.LARGE_PAYLOAD - 512, 1 << 20, 8192};
    private static final int[] PIECE_LENGTHS = {1, 27, 29, 4096, 40_000, 65_536 + 28, 100, 70_000, 300_000};

    private TestVolume volume;
    private NbdServer server;

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
    void pipelinedWritesOfEverySizeLandIntactHoweverTheStreamIsCut() throws Exception
    {
        volume = new TestVolume(SIZE);
        server = NbdServer.launch(new NbdServerContext().port(0).maxPayload(1 << 20).volume(volume));
        final Random random = new Random(42);
        final byte[] expected = new byte[(int)SIZE];
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        final DataOutputStream requests = new DataOutputStream(stream);
        int requestCount = 0;
        long offset = 0;
        for (int round = 0; round < 3; round++)
        {
            for (final int length : WRITE_LENGTHS)
            {
                final byte[] data = new byte[length];
                random.nextBytes(data);
                header(requests, CMD_WRITE, requestCount++, offset, length);
                requests.write(data);
                System.arraycopy(data, 0, expected, (int)offset, length);
                // a READ between writes: a request with no payload right behind a payload
                header(requests, CMD_READ, requestCount++, offset, 512);
                offset += length + 4096;
            }
        }

        final byte[] bytes = stream.toByteArray();
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            int at = 0;
            for (int piece = 0; at < bytes.length; piece++)
            {
                final int length = Math.min(PIECE_LENGTHS[piece % PIECE_LENGTHS.length], bytes.length - at);
                client.out.write(bytes, at, length);
                client.flush();
                at += length;
            }
            for (int i = 0; i < requestCount; i++)
            {
                assertEquals(OK, client.reply());
                if (1 == client.lastHandle % 2)
                {
                    client.in.readFully(new byte[512]);
                }
            }

            final byte[] actual = new byte[1 << 20];
            for (long at2 = 0; at2 < SIZE; at2 += actual.length)
            {
                assertEquals(OK, client.call(0, CMD_READ, at2, actual.length, actual));
                assertArrayEquals(Arrays.copyOfRange(expected, (int)at2, (int)at2 + actual.length), actual,
                    "bytes at " + at2);
            }
        }
    }

    private static void header(
        final DataOutputStream out, final int type, final long handle, final long offset, final int length)
        throws IOException
    {
        out.writeInt(REQUEST_MAGIC);
        out.writeShort(0);
        out.writeShort(type);
        out.writeLong(handle);
        out.writeLong(offset);
        out.writeInt(length);
    }
}
