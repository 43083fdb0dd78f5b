package io.tandem.controller.nbd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.tandem.controller.nbd.NbdProtocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The protocol, byte by byte, from a raw socket client: option haggling, every error the server answers with,
 * protocol violations that close one connection only, out-of-order completion, FUA and refuse-I/O mode, and
 * pipelined payloads however the stream is cut.
 */
@Timeout(30)
class NbdProtocolTest
{
    private static final long SIZE = 4L << 20;
    private static final int MAX_PAYLOAD = 1 << 20;
    private static final int[] WRITE_LENGTHS = {65536, 4096, NbdConnection.LARGE_PAYLOAD, 131072, 512, 98304, 65536,
        NbdConnection.LARGE_PAYLOAD - 512, 1 << 20, 8192};
    private static final int[] PIECE_LENGTHS = {1, 27, 29, 4096, 40_000, 65_536 + 28, 100, 70_000, 300_000};

    private TestVolume volume;
    private NbdServer server;

    private NbdServer start(final NbdServerContext ctx)
    {
        volume = new TestVolume(SIZE);
        try
        {
            server = NbdServer.launch(ctx.port(0).maxPayload(MAX_PAYLOAD).volume(volume));
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
        return server;
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
    void greetingOffersFixedNewstyleAndNoZeroes() throws Exception
    {
        start(new NbdServerContext());
        try (RawNbdClient client = new RawNbdClient(server.port()))
        {
            client.greeting();
            assertEquals(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES, client.handshakeFlags);
        }
    }

    @Test
    void optionHaggling() throws Exception
    {
        start(new NbdServerContext().exportDescription("the volume"));
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.option(OPT_LIST, new byte[0]);
            RawNbdClient.OptionReply reply = client.optionReply();
            assertEquals(OPT_LIST, reply.option);
            assertEquals(REP_SERVER, reply.type);
            assertEquals(6, reply.buffer().getInt(0));
            assertEquals("tandemthe volume", new String(reply.data, 4, reply.data.length - 4, StandardCharsets.UTF_8));
            assertEquals(REP_ACK, client.optionReply().type);

            client.option(OPT_LIST, new byte[] {1});
            assertEquals(REP_ERR_INVALID, client.optionReply().type);

            client.option(OPT_INFO, RawNbdClient.infoData("tandem", INFO_NAME, INFO_DESCRIPTION, INFO_BLOCK_SIZE));
            reply = client.optionReply();
            assertEquals(REP_INFO, reply.type);
            ByteBuffer info = reply.buffer();
            assertEquals(INFO_EXPORT, info.getShort(0));
            assertEquals(SIZE, info.getLong(2));
            assertEquals(FLAG_HAS_FLAGS | FLAG_SEND_FLUSH | FLAG_SEND_FUA | FLAG_SEND_TRIM | FLAG_SEND_WRITE_ZEROES |
                FLAG_SEND_FAST_ZERO | FLAG_CAN_MULTI_CONN, info.getShort(10) & 0xFFFF);
            reply = client.optionReply();
            assertEquals(INFO_NAME, reply.buffer().getShort(0));
            assertEquals("tandem", new String(reply.data, 2, reply.data.length - 2, StandardCharsets.UTF_8));
            reply = client.optionReply();
            assertEquals(INFO_DESCRIPTION, reply.buffer().getShort(0));
            assertEquals("the volume", new String(reply.data, 2, reply.data.length - 2, StandardCharsets.UTF_8));
            reply = client.optionReply();
            info = reply.buffer();
            assertEquals(INFO_BLOCK_SIZE, info.getShort(0));
            assertEquals(1, info.getInt(2));
            assertEquals(4096, info.getInt(6));
            assertEquals(MAX_PAYLOAD, info.getInt(10));
            assertEquals(REP_ACK, client.optionReply().type);

            client.option(OPT_INFO, RawNbdClient.infoData("nosuch"));
            assertEquals(REP_ERR_UNKNOWN, client.optionReply().type);
            client.option(OPT_GO, RawNbdClient.infoData("nosuch", INFO_BLOCK_SIZE));
            assertEquals(REP_ERR_UNKNOWN, client.optionReply().type);
            client.option(OPT_GO, new byte[] {0, 0, 0, 9, 1});
            assertEquals(REP_ERR_INVALID, client.optionReply().type);
            client.option(OPT_STRUCTURED_REPLY, new byte[] {1});
            assertEquals(REP_ERR_INVALID, client.optionReply().type);
            client.option(OPT_STARTTLS, new byte[0]);
            assertEquals(REP_ERR_UNSUP, client.optionReply().type);
            client.option(4242, new byte[] {1, 2, 3});
            reply = client.optionReply();
            assertEquals(4242, reply.option);
            assertEquals(REP_ERR_UNSUP, reply.type);

            // after all that, the empty name still goes into transmission
            assertEquals(FLAG_HAS_FLAGS, client.go("") & FLAG_HAS_FLAGS);
            final byte[] data = new byte[512];
            assertEquals(OK, client.call(0, CMD_READ, 0, 512, data));
        }
    }

    @Test
    void abortIsAcknowledgedThenClosed() throws Exception
    {
        start(new NbdServerContext());
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.option(OPT_ABORT, new byte[0]);
            assertEquals(REP_ACK, client.optionReply().type);
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void exportNameWithAndWithoutZeroes() throws Exception
    {
        start(new NbdServerContext());
        for (final boolean noZeroes : new boolean[] {false, true})
        {
            try (RawNbdClient client = new RawNbdClient(server.port()).greeting())
            {
                client.clientFlags(FLAG_C_FIXED_NEWSTYLE | (noZeroes ? FLAG_C_NO_ZEROES : 0));
                client.option(OPT_EXPORT_NAME, "tandem".getBytes(StandardCharsets.UTF_8));
                assertEquals(SIZE, client.in.readLong());
                assertEquals(FLAG_HAS_FLAGS, client.in.readUnsignedShort() & FLAG_HAS_FLAGS);
                if (!noZeroes)
                {
                    final byte[] zeroes = new byte[124];
                    client.in.readFully(zeroes);
                    assertArrayEquals(new byte[124], zeroes);
                }
                final byte[] data = new byte[4096];
                assertEquals(OK, client.call(0, CMD_READ, 0, 4096, data));
            }
        }
    }

    @Test
    void unknownExportNameOrClientFlagsCloseTheConnection() throws Exception
    {
        start(new NbdServerContext());
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.option(OPT_EXPORT_NAME, "nosuch".getBytes(StandardCharsets.UTF_8));
            assertTrue(client.closedByServer());
        }
        try (RawNbdClient client = new RawNbdClient(server.port()).greeting().clientFlags(1 << 7))
        {
            assertTrue(client.closedByServer());
        }
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.out.writeLong(0x1234);
            client.out.writeLong(0);
            client.flush();
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void badRequestsGetTheRightErrors() throws Exception
    {
        start(new NbdServerContext());
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            final byte[] data = new byte[8192];
            assertEquals(EINVAL, client.call(0, CMD_READ, SIZE - 4096, 8192, data), "read beyond end");
            assertEquals(EINVAL, client.call(0, CMD_READ, SIZE, 1, data), "read at end");
            assertEquals(EINVAL, client.call(0, CMD_READ, -4096, 4096, data), "read at offset 2^64 - 4096");
            assertEquals(EINVAL, client.call(0, CMD_READ, 0, 0, data), "zero length");
            assertEquals(EOVERFLOW, client.call(0, CMD_READ, 0, MAX_PAYLOAD + 1, data), "read above max payload");
            assertEquals(ENOSPC, client.call(0, CMD_WRITE, SIZE - 4096, 8192, data), "write beyond end");
            assertEquals(ENOSPC, client.call(0, CMD_WRITE_ZEROES, SIZE - 4096, 8192, null), "zeroes beyond end");
            assertEquals(EINVAL, client.call(0, CMD_TRIM, SIZE, 4096, null), "trim beyond end");
            assertEquals(EINVAL, client.call(0, 5, 0, 4096, null), "CACHE, not advertised");
            assertEquals(EINVAL, client.call(0, 7, 0, 4096, null), "BLOCK_STATUS, not negotiated");
            assertEquals(EINVAL, client.call(0, 42, 0, 4096, null), "unknown command");
            assertEquals(EINVAL, client.call(1 << 4, CMD_READ, 0, 4096, data), "unknown flag");
            assertEquals(EINVAL, client.call(CMD_FLAG_NO_HOLE, CMD_WRITE, 0, 4096,
                Arrays.copyOf(data, 4096)), "NO_HOLE on WRITE");
            assertEquals(EINVAL, client.call(0, CMD_FLUSH, 4096, 0, null), "FLUSH with an offset");

            // none of them reached the volume, and the connection still works
            assertTrue(volume.submitted().isEmpty(), volume.submitted().toString());
            Arrays.fill(data, (byte)7);
            assertEquals(OK, client.call(0, CMD_WRITE, SIZE - 8192, 8192, data));
            final byte[] back = new byte[8192];
            assertEquals(OK, client.call(0, CMD_READ, SIZE - 8192, 8192, back));
            assertArrayEquals(data, back);
            assertEquals(OK, client.call(CMD_FLAG_NO_HOLE | CMD_FLAG_FUA, CMD_WRITE_ZEROES, 0, 4096, null));
            assertEquals(14, server.counters().errorReplies());
        }
    }

    @Test
    void protocolViolationClosesThatConnectionOnly() throws Exception
    {
        start(new NbdServerContext());
        try (RawNbdClient good = new RawNbdClient(server.port()).handshake();
            RawNbdClient badMagic = new RawNbdClient(server.port()).handshake();
            RawNbdClient oversized = new RawNbdClient(server.port()).handshake())
        {
            good.go("");
            badMagic.go("");
            oversized.go("tandem");

            final byte[] data = new byte[4096];
            Arrays.fill(data, (byte)0x5a);
            assertEquals(OK, good.call(0, CMD_WRITE, 0, 4096, data));

            badMagic.out.writeInt(0xdeadbeef);
            badMagic.out.write(new byte[24]);
            badMagic.flush();
            assertTrue(badMagic.closedByServer());

            oversized.request(0, CMD_WRITE, 1, 0, MAX_PAYLOAD + 1);
            oversized.flush();
            assertTrue(oversized.closedByServer());

            final byte[] back = new byte[4096];
            assertEquals(OK, good.call(0, CMD_READ, 0, 4096, back));
            assertArrayEquals(data, back);
            assertEquals(2, server.counters().protocolViolations());
        }
        try (RawNbdClient again = new RawNbdClient(server.port()).handshake())
        {
            again.go("");
            assertEquals(OK, again.call(0, CMD_FLUSH, 0, 0, null));
        }
    }

    @Test
    void readOnlyExportRefusesWritesWithEperm() throws Exception
    {
        start(new NbdServerContext().readOnly(true));
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            final int flags = client.go("");
            assertEquals(FLAG_READ_ONLY, flags & FLAG_READ_ONLY);
            final byte[] data = new byte[4096];
            assertEquals(EPERM, client.call(0, CMD_WRITE, 0, 4096, data));
            assertEquals(EPERM, client.call(0, CMD_TRIM, 0, 4096, null));
            assertEquals(EPERM, client.call(0, CMD_WRITE_ZEROES, 0, 4096, null));
            assertEquals(OK, client.call(0, CMD_READ, 0, 4096, data));
            assertEquals(OK, client.call(0, CMD_FLUSH, 0, 0, null));
        }
    }

    @Test
    void repliesGoOutInCompletionOrderWithTheirOwnData() throws Exception
    {
        start(new NbdServerContext());
        final int count = 64;
        for (int i = 0; i < count; i++)
        {
            volume.memory.contents().setMemory(i * 4096, 4096, (byte)i);
        }
        volume.hold(true);
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            for (int i = 0; i < count; i++)
            {
                client.request(0, CMD_READ, 1000 + i, i * 4096L, 4096);
            }
            client.flush();
            awaitTrue(() -> volume.heldCount() == count);
            volume.releaseInReverse();

            final byte[] data = new byte[4096];
            for (int i = count - 1; i >= 0; i--)
            {
                assertEquals(OK, client.reply());
                assertEquals(1000 + i, client.lastHandle);
                client.in.readFully(data);
                for (final byte b : data)
                {
                    assertEquals((byte)i, b);
                }
            }
        }
    }

    @Test
    void fuaAndNoHoleReachTheVolume() throws Exception
    {
        start(new NbdServerContext());
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            final byte[] data = new byte[4096];
            assertEquals(OK, client.call(CMD_FLAG_FUA, CMD_WRITE, 0, 4096, data));
            assertEquals(OK, client.call(0, CMD_WRITE, 4096, 4096, data));
            assertEquals(OK, client.call(CMD_FLAG_FUA, CMD_TRIM, 8192, 4096, null));
            assertEquals(OK, client.call(CMD_FLAG_FUA | CMD_FLAG_NO_HOLE, CMD_WRITE_ZEROES, 0, 8192, null));
            assertEquals(OK, client.call(0, CMD_FLUSH, 0, 0, null));
        }
        final List<TestVolume.Submitted> submitted = volume.submitted();
        assertEquals("[WRITE@0+4096 FUA, WRITE@4096+4096, TRIM@8192+4096 FUA, WRITE_ZEROES@0+8192 FUA NO_HOLE, " +
            "FLUSH@0+0]", submitted.toString());
        assertEquals(3, server.counters().fuaRequests());
    }

    @Test
    void discAnswersRequestsInFlightThenCloses() throws Exception
    {
        start(new NbdServerContext());
        volume.hold(true);
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            for (int i = 0; i < 4; i++)
            {
                client.request(0, CMD_READ, i, 0, 512);
            }
            client.request(0, CMD_DISC, 99, 0, 0);
            client.flush();
            awaitTrue(() -> volume.heldCount() == 4);
            volume.releaseInReverse();
            final byte[] data = new byte[512];
            for (int i = 3; i >= 0; i--)
            {
                assertEquals(OK, client.reply());
                assertEquals(i, client.lastHandle);
                client.in.readFully(data);
            }
            assertTrue(client.closedByServer());
        }
        awaitTrue(() -> server.counters().activeConnections() == 0);
    }

    @Test
    void discThenShutdownOfTheClientSideStillGetsTheReplies() throws Exception
    {
        start(new NbdServerContext());
        volume.hold(true);
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            client.request(0, CMD_READ, 1, 0, 512);
            client.request(0, CMD_FLUSH, 2, 0, 0);
            client.request(0, CMD_DISC, 3, 0, 0);
            client.flush();
            client.socket.shutdownOutput();
            awaitTrue(() -> volume.heldCount() == 2);
            Thread.sleep(20); // let the server see the end of stream before anything completes
            volume.releaseInReverse();
            assertEquals(OK, client.reply());
            assertEquals(2, client.lastHandle);
            assertEquals(OK, client.reply());
            assertEquals(1, client.lastHandle);
            client.in.readFully(new byte[512]);
            assertTrue(client.closedByServer());
        }
    }

    @Test
    void refuseIoModeServesTheHandshakeAndFailsEveryCommand() throws Exception
    {
        start(new NbdServerContext().refuseIo(true));
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            final byte[] data = new byte[4096];
            assertEquals(ESHUTDOWN, client.call(0, CMD_READ, 0, 4096, data));
            assertEquals(ESHUTDOWN, client.call(0, CMD_WRITE, 0, 4096, data));
            assertEquals(ESHUTDOWN, client.call(0, CMD_FLUSH, 0, 0, null));
            assertEquals(EINVAL, client.call(0, CMD_READ, SIZE, 4096, data), "invalid stays invalid");
            assertTrue(volume.submitted().isEmpty());

            server.refuseIo(false);
            assertEquals(OK, client.call(0, CMD_WRITE, 0, 4096, data));
            assertEquals(OK, client.call(0, CMD_READ, 0, 4096, data));
            assertEquals(3, server.counters().refusedRequests());
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosed() throws Exception
    {
        start(new NbdServerContext().maxConnections(2));
        try (RawNbdClient first = new RawNbdClient(server.port()).handshake();
            RawNbdClient second = new RawNbdClient(server.port()).handshake())
        {
            first.go("");
            second.go("");
            try (RawNbdClient third = new RawNbdClient(server.port()))
            {
                assertTrue(third.closedByServer());
            }
            assertEquals(OK, first.call(0, CMD_FLUSH, 0, 0, null));
            assertEquals(1, server.counters().connectionsRejected());
        }
    }

    @Test
    void backPressureWhenMoreRequestsThanSlots() throws Exception
    {
        start(new NbdServerContext().maxRequestsPerConnection(4));
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            final int count = 1000;
            final byte[] data = new byte[4096];
            for (int i = 0; i < count; i++)
            {
                Arrays.fill(data, (byte)i);
                client.write(0, i, (i % 64) * 4096L, data);
            }
            client.flush();
            for (int i = 0; i < count; i++)
            {
                assertEquals(OK, client.reply());
                assertEquals(i, client.lastHandle);
            }
            assertEquals(count, server.counters().writes());
        }
    }

    @Test
    void requestsInFlightWhenTheClientGoesAwayGiveTheirSlotsBackOnCompletion() throws Exception
    {
        // one connection of four requests: exactly four slots in the whole server
        start(new NbdServerContext().maxConnections(1).maxRequestsPerConnection(4));
        volume.hold(true);
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            for (int i = 0; i < 4; i++)
            {
                client.request(0, CMD_READ, i, 0, 4096);
            }
            client.flush();
            awaitTrue(() -> volume.heldCount() == 4);
        }
        awaitTrue(() -> server.counters().activeConnections() == 0);
        volume.hold(false);
        volume.releaseInReverse();

        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            final byte[] data = new byte[4096];
            for (int i = 0; i < 16; i++)
            {
                assertEquals(OK, client.call(0, CMD_READ, 0, 4096, data));
            }
        }
        assertEquals(0, server.counters().staleCompletions());
    }

    @Test
    void aCompletionForAnUnknownTokenIsCountedAndDropped() throws Exception
    {
        start(new NbdServerContext());
        volume.hold(true);
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            client.request(0, CMD_FLUSH, 1, 0, 0);
            client.flush();
            awaitTrue(() -> volume.heldCount() == 1);
            final TestVolume.Submitted flush = volume.submitted().get(0);
            flush.completion.onComplete(flush.token + (1L << 32), OK);
            awaitTrue(() -> server.counters().staleCompletions() == 1);
            flush.completion.onComplete(flush.token, EIO);
            assertEquals(EIO, client.reply());
            flush.completion.onComplete(flush.token, OK);
            awaitTrue(() -> server.counters().staleCompletions() == 2);
        }
    }

    @Test
    void largeRequestsUpToTheMaximumPayload() throws Exception
    {
        start(new NbdServerContext().retainedRequestBufferLength(64 << 10));
        try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
        {
            client.go("");
            final byte[] data = new byte[MAX_PAYLOAD];
            new java.util.Random(3).nextBytes(data);
            assertEquals(OK, client.call(CMD_FLAG_FUA, CMD_WRITE, 4096, MAX_PAYLOAD, data));
            final byte[] back = new byte[MAX_PAYLOAD];
            assertEquals(OK, client.call(0, CMD_READ, 4096, MAX_PAYLOAD, back));
            assertArrayEquals(data, back);
        }
    }

    @Test
    void steppedByTheCallerWithAnInvoker() throws Exception
    {
        start(new NbdServerContext().useAgentInvoker(true));
        try (RawNbdClient client = new RawNbdClient(server.port()))
        {
            // nothing moves until the server is stepped
            awaitAvailable(client, NbdHandshakeEncoder.GREETING_LENGTH);
            client.handshake();
            assertEquals(1, server.counters().connectionsAccepted());
            // from here the test reads with blocking calls, so another thread steps the server
            final Thread stepper = new Thread(() ->
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    server.invoker().invoke();
                    Thread.onSpinWait();
                }
            });
            stepper.start();
            try
            {
                client.go("tandem");
                final byte[] data = new byte[512];
                assertEquals(OK, client.call(0, CMD_READ, 0, 512, data));
            }
            finally
            {
                stepper.interrupt();
                stepper.join();
            }
        }
    }

    @Test
    void clientsStillHandshakingAfterTheTimeoutAreDisconnected() throws Exception
    {
        final long[] nowNs = {0};
        start(new NbdServerContext().useAgentInvoker(true).nanoClock(() -> nowNs[0])
            .handshakeTimeoutNs(TimeUnit.SECONDS.toNanos(10)));
        try (RawNbdClient silent = new RawNbdClient(server.port());
            RawNbdClient serving = new RawNbdClient(server.port()))
        {
            awaitAvailable(silent, NbdHandshakeEncoder.GREETING_LENGTH);
            awaitAvailable(serving, NbdHandshakeEncoder.GREETING_LENGTH);
            silent.greeting();
            serving.handshake();
            serving.option(OPT_EXPORT_NAME, new byte[0]);
            awaitAvailable(serving, NbdHandshakeEncoder.EXPORT_LENGTH);
            assertEquals(SIZE, serving.in.readLong());
            serving.in.readUnsignedShort();

            nowNs[0] = TimeUnit.SECONDS.toNanos(9);
            server.invoker().invoke();
            assertEquals(0, server.counters().handshakeTimeouts());

            nowNs[0] = TimeUnit.SECONDS.toNanos(11);
            server.invoker().invoke();
            assertEquals(1, server.counters().handshakeTimeouts());
            assertTrue(silent.closedByServer());

            serving.request(0, CMD_FLUSH, 5, 0, 0);
            serving.flush();
            awaitAvailable(serving, NbdSimpleReplyEncoder.HEADER_LENGTH);
            assertEquals(OK, serving.reply());
            assertEquals(5, serving.lastHandle);
        }
    }

    private void awaitAvailable(final RawNbdClient client, final int bytes) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.socket.getInputStream().available() < bytes)
        {
            assertFalse(System.nanoTime() > deadlineNs, "server did not answer");
            server.invoker().invoke();
        }
    }

    private static void awaitTrue(final BooleanSupplier condition) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean())
        {
            assertFalse(System.nanoTime() > deadlineNs, "condition not met in time");
            Thread.sleep(1);
        }
    }

    /**
     * WRITE payloads read straight into their request buffers: large and small writes, and reads between them,
     * sent as one pipelined stream cut into pieces of awkward sizes (a header split in two, a payload and the next
     * header in one piece, many small requests in one), land byte for byte where they were written.
     */
    @Test
    void pipelinedWritesOfEverySizeLandIntactHoweverTheStreamIsCut() throws Exception
    {
        start(new NbdServerContext());
        final Random random = new Random(42);
        final byte[] expected = new byte[(int)SIZE];
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        final DataOutputStream requests = new DataOutputStream(stream);
        int requestCount = 0;
        long offset = 0;
        for (int round = 0; round < 2; round++)
        {
            for (final int length : WRITE_LENGTHS)
            {
                final byte[] data = new byte[length];
                random.nextBytes(data);
                RawNbdClient.request(requests, 0, CMD_WRITE, requestCount++, offset, length);
                requests.write(data);
                System.arraycopy(data, 0, expected, (int)offset, length);
                // a READ between writes: a request with no payload right behind a payload
                RawNbdClient.request(requests, 0, CMD_READ, requestCount++, offset, 512);
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
            for (long position = 0; position < SIZE; position += actual.length)
            {
                assertEquals(OK, client.call(0, CMD_READ, position, actual.length, actual));
                assertArrayEquals(Arrays.copyOfRange(expected, (int)position, (int)position + actual.length), actual,
                    "bytes at " + position);
            }
        }
    }
}
