package io.tandem.controller.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static io.tandem.controller.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Structured replies, metadata contexts, block status and fast zero, byte by byte from a raw socket client: what
 * is negotiated, every bad option payload answered with an error the client can go on after, every bad request
 * answered with an error chunk and counted.
 */
@Timeout(30)
class NbdStructuredRepliesTest
{
    private static final long SIZE = 4L << 20;
    private static final int BLOCK = 64 << 10;
    private static final int MAX_PAYLOAD = 1 << 20;

    private TestVolume volume;
    private NbdServer server;

    private void start()
    {
        volume = new TestVolume(SIZE);
        try
        {
            server = NbdServer.launch(new NbdServerContext().port(0).maxPayload(MAX_PAYLOAD).volume(volume));
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
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

    /** Handshake, structured replies, base:allocation selected, GO: the export's transmission flags. */
    private static int structuredWithMap(final RawNbdClient client) throws Exception
    {
        client.option(OPT_STRUCTURED_REPLY, new byte[0]);
        assertEquals(REP_ACK, client.optionReply().type);
        client.option(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("", CONTEXT_BASE_ALLOCATION));
        final RawNbdClient.OptionReply context = client.optionReply();
        assertEquals(REP_META_CONTEXT, context.type);
        assertEquals(CONTEXT_ID_BASE_ALLOCATION, context.buffer().getInt(0));
        assertEquals(REP_ACK, client.optionReply().type);
        return client.go("");
    }

    @Test
    void structuredRepliesAreNegotiatedAndChangeTheFlags() throws Exception
    {
        start();
        try (RawNbdClient plain = new RawNbdClient(server.port()).handshake();
            RawNbdClient structured = new RawNbdClient(server.port()).handshake())
        {
            final int plainFlags = plain.go("");
            assertEquals(FLAG_SEND_FAST_ZERO, plainFlags & FLAG_SEND_FAST_ZERO);
            assertEquals(0, plainFlags & FLAG_SEND_DF, "DF only with structured replies");

            structured.option(OPT_STRUCTURED_REPLY, new byte[] {1});
            assertEquals(REP_ERR_INVALID, structured.optionReply().type, "the option carries no data");
            structured.option(OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(REP_ACK, structured.optionReply().type);
            assertEquals(plainFlags | FLAG_SEND_DF, structured.go(""));

            // the plain connection still gets simple replies, the structured one a chunk
            assertEquals(OK, plain.call(0, CMD_READ, 0, 512, new byte[512]));
            structured.request(CMD_FLAG_DF, CMD_READ, 5, 4096, 512);
            structured.flush();
            final RawNbdClient.Reply read = structured.anyReply();
            assertTrue(read.structured);
            assertEquals(REPLY_TYPE_OFFSET_DATA, read.type);
            assertEquals(REPLY_FLAG_DONE, read.flags);
            assertEquals(5, read.handle);
            assertEquals(8 + 512, read.payload.length);
            assertEquals(4096, read.buffer().getLong(0));
        }
    }

    @Test
    void readsComeBackAsOffsetDataAndWritesAsSimpleReplies() throws Exception
    {
        start();
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            structuredWithMap(client);
            final byte[] data = new byte[8192];
            Arrays.fill(data, (byte)0x5A);
            client.write(0, 1, 65536, data);
            client.flush();
            final RawNbdClient.Reply written = client.anyReply();
            assertFalse(written.structured, "a success without data may be a simple reply");
            assertEquals(OK, written.error);

            client.request(0, CMD_READ, 2, 65536 - 100, 8292);
            client.flush();
            final RawNbdClient.Reply read = client.anyReply();
            assertEquals(REPLY_TYPE_OFFSET_DATA, read.type);
            assertEquals(65536 - 100, read.buffer().getLong(0));
            final byte[] expected = new byte[8292];
            Arrays.fill(expected, 100, 8292, (byte)0x5A);
            assertArrayEquals(expected, Arrays.copyOfRange(read.payload, 8, read.payload.length));
        }
    }

    @Test
    void badRequestsGetErrorChunksWithMessagesAndAreCounted() throws Exception
    {
        start();
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.option(OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(REP_ACK, client.optionReply().type);
            client.go("");

            assertErrorChunk(client, 0, CMD_READ, SIZE - 512, 1024, EINVAL, "past the end");
            assertErrorChunk(client, 0, CMD_READ, 0, MAX_PAYLOAD + 1, EOVERFLOW, "maximum payload");
            assertErrorChunk(client, 0, 5, 0, 512, EINVAL, "not supported");
            assertErrorChunk(client, CMD_FLAG_REQ_ONE, CMD_READ, 0, 512, EINVAL, "flag");
            assertErrorChunk(client, CMD_FLAG_FAST_ZERO, CMD_TRIM, 0, 512, EINVAL, "flag");
            assertErrorChunk(client, 0, CMD_BLOCK_STATUS, 0, 4096, EINVAL, "base:allocation");
            assertErrorChunk(client, 0, CMD_WRITE_ZEROES, SIZE, 4096, ENOSPC, "past the end");
            assertEquals(7, server.counters().invalidRequests());
            assertEquals(7, server.counters().errorReplies());

            // the connection goes on
            client.request(0, CMD_READ, 9, 0, 512);
            client.flush();
            assertEquals(REPLY_TYPE_OFFSET_DATA, client.anyReply().type);
        }
        assertTrue(volume.submitted().stream().allMatch(request -> "READ".equals(request.command)),
            "no refused request reached the volume: " + volume.submitted());
    }

    private static void assertErrorChunk(final RawNbdClient client, final int flags, final int type,
        final long offset, final int length, final int error, final String message) throws Exception
    {
        client.request(flags, type, 42, offset, length);
        client.flush();
        final RawNbdClient.Reply reply = client.anyReply();
        assertTrue(reply.structured);
        assertEquals(REPLY_TYPE_ERROR, reply.type);
        assertEquals(REPLY_FLAG_DONE, reply.flags);
        assertEquals(42, reply.handle);
        assertEquals(error, reply.error);
        assertTrue(reply.message().contains(message), reply.message());
    }

    @Test
    void metaContextsAreListedAndSelectedAndBadOptionsAnsweredWithErrors() throws Exception
    {
        start();
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.option(OPT_LIST_META_CONTEXT, RawNbdClient.metaContextData(""));
            assertEquals(REP_ERR_INVALID, client.optionReply().type, "structured replies come first");

            client.option(OPT_STRUCTURED_REPLY, new byte[0]);
            assertEquals(REP_ACK, client.optionReply().type);
            for (final String[] queries : new String[][] {{}, {"base:"}, {CONTEXT_BASE_ALLOCATION}})
            {
                client.option(OPT_LIST_META_CONTEXT, RawNbdClient.metaContextData("tandem", queries));
                final RawNbdClient.OptionReply listed = client.optionReply();
                assertEquals(REP_META_CONTEXT, listed.type);
                assertEquals(0, listed.buffer().getInt(0), "a listed context's id is 0");
                assertEquals(CONTEXT_BASE_ALLOCATION,
                    new String(listed.data, 4, listed.data.length - 4, StandardCharsets.UTF_8));
                assertEquals(REP_ACK, client.optionReply().type);
            }
            client.option(OPT_LIST_META_CONTEXT, RawNbdClient.metaContextData("", "qemu:dirty-bitmap:b"));
            assertEquals(REP_ACK, client.optionReply().type, "another namespace lists nothing");
            client.option(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("", "base:"));
            assertEquals(REP_ACK, client.optionReply().type, "selecting takes a whole name");

            client.option(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("", "allocation"));
            assertEquals(REP_ERR_INVALID, client.optionReply().type, "a query without a namespace");
            client.option(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("nosuch", CONTEXT_BASE_ALLOCATION));
            assertEquals(REP_ERR_UNKNOWN, client.optionReply().type);
            client.option(OPT_SET_META_CONTEXT, RawNbdClient.metaContextData("", "base:" + "x".repeat(4096)));
            assertEquals(REP_ERR_TOO_BIG, client.optionReply().type);
            final byte[] truncated = RawNbdClient.metaContextData("", CONTEXT_BASE_ALLOCATION);
            client.option(OPT_SET_META_CONTEXT, Arrays.copyOf(truncated, truncated.length - 3));
            assertEquals(REP_ERR_INVALID, client.optionReply().type, "a query longer than the data");
            final ByteBuffer tooMany = ByteBuffer.wrap(RawNbdClient.metaContextData("", CONTEXT_BASE_ALLOCATION));
            tooMany.putInt(4, 2);
            client.option(OPT_SET_META_CONTEXT, tooMany.array());
            assertEquals(REP_ERR_INVALID, client.optionReply().type, "more queries counted than sent");
            client.option(OPT_SET_META_CONTEXT, new byte[] {0, 0, 0});
            assertEquals(REP_ERR_INVALID, client.optionReply().type);
            assertEquals(7, server.counters().optionErrors());

            // a failed selection selected nothing: block status is refused
            client.go("");
            client.request(0, CMD_BLOCK_STATUS, 3, 0, 4096);
            client.flush();
            assertEquals(EINVAL, client.anyReply().error);
        }
    }

    @Test
    void blockStatusReportsTheVolumesExtentsWithinTheRange() throws Exception
    {
        start();
        volume.map(BLOCK, STATE_HOLE | STATE_ZERO, STATE_HOLE | STATE_ZERO, 0, STATE_ZERO, 0, 0);
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            structuredWithMap(client);
            client.request(0, CMD_BLOCK_STATUS, 11, 1000, 5 * BLOCK);
            client.flush();
            RawNbdClient.Reply reply = client.anyReply();
            assertEquals(REPLY_TYPE_BLOCK_STATUS, reply.type);
            assertEquals(REPLY_FLAG_DONE, reply.flags);
            assertEquals(11, reply.handle);
            ByteBuffer extents = reply.buffer();
            assertEquals(CONTEXT_ID_BASE_ALLOCATION, extents.getInt());
            assertEquals(2 * BLOCK - 1000, extents.getInt());
            assertEquals(STATE_HOLE | STATE_ZERO, extents.getInt());
            assertEquals(BLOCK, extents.getInt());
            assertEquals(0, extents.getInt());
            assertEquals(BLOCK, extents.getInt());
            assertEquals(STATE_ZERO, extents.getInt());
            assertEquals(BLOCK + 1000, extents.getInt(), "the last extent ends where the range does");
            assertEquals(0, extents.getInt());
            assertFalse(extents.hasRemaining());

            client.request(CMD_FLAG_REQ_ONE, CMD_BLOCK_STATUS, 12, 0, 4 * BLOCK);
            client.flush();
            reply = client.anyReply();
            assertEquals(4 + 8, reply.payload.length, "REQ_ONE: one extent");
            assertEquals(2 * BLOCK, reply.buffer().getInt(4));

            client.request(0, CMD_BLOCK_STATUS, 13, SIZE - 4096, 8192);
            client.flush();
            assertEquals(EINVAL, client.anyReply().error);

            volume.overReport(true);
            client.request(0, CMD_BLOCK_STATUS, 14, 4096, 8192);
            client.flush();
            reply = client.anyReply();
            assertEquals(4 + 8, reply.payload.length);
            assertEquals(8192, reply.buffer().getInt(4), "an extent past the range is cut to it");
        }
        assertEquals(3, server.counters().blockStatus());
    }

    @Test
    void blockStatusWithoutStructuredRepliesIsInvalid() throws Exception
    {
        start();
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            assertEquals(EINVAL, client.call(0, CMD_BLOCK_STATUS, 0, 4096, null));
            assertEquals(EINVAL, client.call(CMD_FLAG_DF, CMD_READ, 0, 4096, null), "DF needs structured replies");
        }
    }

    @Test
    void fastZeroFailsAtOnceUnlessTheVolumeZeroesFast() throws Exception
    {
        start();
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            assertEquals(ENOTSUP, client.call(CMD_FLAG_FAST_ZERO, CMD_WRITE_ZEROES, 0, 1 << 20, null));
            assertEquals(1, server.counters().fastZeroRefusals());
            assertTrue(volume.submitted().isEmpty(), "the volume never saw it: " + volume.submitted());
            assertEquals(OK, client.call(0, CMD_WRITE_ZEROES, 0, 1 << 20, null), "without the flag it zeroes");
        }
        server.close();

        volume.zeroesFast(true);
        volume.submitted.clear();
        server = NbdServer.launch(new NbdServerContext().port(0).maxPayload(MAX_PAYLOAD).volume(volume));
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            assertEquals(OK, client.call(CMD_FLAG_FAST_ZERO | CMD_FLAG_NO_HOLE, CMD_WRITE_ZEROES, 0, 1 << 20, null));
            assertEquals("WRITE_ZEROES@0+1048576 NO_HOLE", volume.submitted().get(0).toString());
            assertEquals(0, server.counters().fastZeroRefusals());
        }
    }
}
