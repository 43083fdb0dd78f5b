package io.tandem.controller.nbd;

import io.tandem.interconnect.idle.ChannelWatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.tandem.controller.nbd.NbdProtocol.CMD_READ;
import static io.tandem.controller.nbd.NbdProtocol.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Request coalescing, stepped by the test with its own clock: with the configured number of requests in flight
 * the server leaves new ones in the socket, and does not let the agent's watcher wake it for them, until a request
 * completes or the window since the last read has passed.
 */
@Timeout(30)
class NbdCoalescingTest
{
    private static final long SIZE = 1L << 20;
    private static final int REPLY_LENGTH = NbdSimpleReplyEncoder.HEADER_LENGTH + 4096;
    private static final long WINDOW_NS = TimeUnit.MICROSECONDS.toNanos(500);

    private final long[] nowNs = {1_000_000_000L};
    private final List<SelectionKey> watchKeys = new ArrayList<>();
    private Selector watchSelector;
    private TestVolume volume;
    private NbdServer server;

    private void start(final int depth) throws IOException
    {
        watchSelector = Selector.open();
        final ChannelWatcher watcher = new ChannelWatcher()
        {
            public SelectionKey watch(final SelectableChannel channel, final int interestOps)
            {
                try
                {
                    final SelectionKey key = channel.register(watchSelector, interestOps);
                    watchKeys.add(key);
                    return key;
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }

            public void wake()
            {
            }

            public void releaseClosed()
            {
            }
        };
        volume = new TestVolume(SIZE);
        volume.hold(true);
        server = NbdServer.launch(new NbdServerContext().port(0).volume(volume).useAgentInvoker(true)
            .nanoClock(() -> nowNs[0]).channelWatcher(watcher).coalesceDepth(depth).coalesceWindowNs(WINDOW_NS));
    }

    @AfterEach
    void stop() throws IOException
    {
        if (null != server)
        {
            server.close();
        }
        if (null != volume)
        {
            volume.close();
        }
        if (null != watchSelector)
        {
            watchSelector.close();
        }
    }

    @Test
    void aFullPipelineLeavesNewRequestsUnreadUntilOneCompletes() throws Exception
    {
        start(2);
        try (RawNbdClient client = connect())
        {
            send(client, 1, 2);
            stepUntilSubmitted(2);
            send(client, 3);
            stepFor20MsAtTheSameTime();
            assertEquals(2, volume.submitted().size(), "read while two were in flight");
            assertEquals(0, connectionWatchInterest(), "the watcher would wake the agent for held input");
            assertEquals(0, acceptWatchInterest(), "the watcher would wake the agent for a held accept");
            assertEquals(1, server.counters().intakeHolds());

            volume.releaseInReverse();
            stepUntilSubmitted(3);
            assertEquals(SelectionKey.OP_READ, connectionWatchInterest());
            assertEquals(SelectionKey.OP_ACCEPT, acceptWatchInterest());
            expectReply(client, 2);
            expectReply(client, 1);
        }
    }

    @Test
    void heldRequestsAreReadOnceTheWindowHasPassed() throws Exception
    {
        start(2);
        try (RawNbdClient client = connect())
        {
            send(client, 1, 2);
            stepUntilSubmitted(2);
            send(client, 3, 4);
            nowNs[0] += WINDOW_NS - 1;
            stepFor20MsAtTheSameTime();
            assertEquals(2, volume.submitted().size(), "read before the window passed");

            nowNs[0] += 1;
            stepUntilSubmitted(4);
            volume.releaseInReverse();
            for (int handle = 4; handle >= 1; handle--)
            {
                expectReply(client, handle);
            }
        }
    }

    @Test
    void depthZeroReadsEveryRequestAtOnce() throws Exception
    {
        start(0);
        try (RawNbdClient client = connect())
        {
            send(client, 1, 2);
            stepUntilSubmitted(2);
            send(client, 3);
            stepUntilSubmitted(3);
            assertEquals(SelectionKey.OP_READ, connectionWatchInterest());
            assertEquals(0, server.counters().intakeHolds());
        }
    }

    private RawNbdClient connect() throws Exception
    {
        final RawNbdClient client = new RawNbdClient(server.port());
        stepUntil(() -> client.socket.getInputStream().available() >= NbdHandshakeEncoder.GREETING_LENGTH);
        client.handshake();
        client.option(NbdProtocol.OPT_EXPORT_NAME, new byte[0]);
        stepUntil(() -> client.socket.getInputStream().available() >= NbdHandshakeEncoder.EXPORT_LENGTH);
        assertEquals(SIZE, client.in.readLong());
        client.in.readUnsignedShort();
        return client;
    }

    private static void send(final RawNbdClient client, final long... handles) throws IOException
    {
        for (final long handle : handles)
        {
            client.request(0, CMD_READ, handle, handle * 4096, 4096);
        }
        client.flush();
    }

    private int connectionWatchInterest()
    {
        return watchKeys.stream().filter(key -> key.channel() instanceof SocketChannel).findFirst()
            .orElseThrow().interestOps();
    }

    private int acceptWatchInterest()
    {
        return watchKeys.get(0).interestOps();
    }

    private void stepUntilSubmitted(final int count) throws Exception
    {
        stepUntil(() -> volume.submitted().size() >= count);
        assertEquals(count, volume.submitted().size());
    }

    private void expectReply(final RawNbdClient client, final long handle) throws Exception
    {
        stepUntil(() -> client.in.available() + client.socket.getInputStream().available() >= REPLY_LENGTH);
        assertEquals(OK, client.reply());
        assertEquals(handle, client.lastHandle);
        client.in.readFully(new byte[4096]);
    }

    /** The request is on loopback within microseconds: 20 ms of steps with the clock standing still. */
    private void stepFor20MsAtTheSameTime()
    {
        final long endNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        while (System.nanoTime() < endNs)
        {
            server.invoker().invoke();
        }
    }

    private void stepUntil(final Condition condition) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.met())
        {
            assertFalse(System.nanoTime() > deadlineNs, "condition not met in time");
            server.invoker().invoke();
        }
    }

    @FunctionalInterface
    private interface Condition
    {
        boolean met() throws Exception;
    }
}
