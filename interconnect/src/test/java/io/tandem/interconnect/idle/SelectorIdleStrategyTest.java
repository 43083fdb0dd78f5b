package io.tandem.interconnect.idle;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The idle strategy blocks for a minute at most here, so a test that passes was woken by what it waits for, never by
 * the timeout (each waits at most 20 s).
 */
class SelectorIdleStrategyTest
{
    private static final long MINUTE_MS = 60_000;

    private SelectorIdleStrategy idle;
    private DatagramChannel watched;
    private DatagramChannel peer;

    @BeforeEach
    void open() throws IOException
    {
        idle = new SelectorIdleStrategy(0, 0, MINUTE_MS);
        watched = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        watched.configureBlocking(false);
        peer = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void close() throws IOException
    {
        idle.close();
        watched.close();
        peer.close();
    }

    @Test
    void aDatagramOnAWatchedSocketEndsTheBlock() throws Exception
    {
        assertNotNull(idle.watch(watched, SelectionKey.OP_READ));
        final CompletableFuture<Long> blocked = idleUntilBlocked();
        send();
        assertEquals(1, blocked.get(20, TimeUnit.SECONDS));
    }

    @Test
    void wakeFromAnotherThreadEndsTheBlock() throws Exception
    {
        final CompletableFuture<Long> blocked = idleUntilBlocked();
        idle.wake();
        assertEquals(1, blocked.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aSocketItsOwnerStoppedReadingDoesNotWakeTheAgent() throws Exception
    {
        final SelectionKey key = idle.watch(watched, SelectionKey.OP_READ);
        key.interestOps(0);
        send();
        final CompletableFuture<Long> blocked = idleUntilBlocked();
        assertThrows(java.util.concurrent.TimeoutException.class, () -> blocked.get(300, TimeUnit.MILLISECONDS),
            "woke for a socket nobody reads");
        key.interestOps(SelectionKey.OP_READ);
        idle.wake(); // the key's new interest counts from the next select
        assertEquals(1, blocked.get(20, TimeUnit.SECONDS));
        final CompletableFuture<Long> again = idleUntilBlocked();
        assertEquals(2, again.get(20, TimeUnit.SECONDS), "the unread datagram wakes the next block at once");
    }

    @Test
    void pollsTheSocketsThenBlocksAndWorkStartsThePollingOver()
    {
        final SelectorIdleStrategy patient = new SelectorIdleStrategy(3, 2, MINUTE_MS);
        try
        {
            patient.wake(); // ends the first poll or block at once
            patient.idle(0);
            assertEquals(0, patient.spinPolls(), "a wake ends the idle before it polls");
            assertEquals(0, patient.blocks());
            patient.idle(0);
            assertEquals(0, patient.spinPolls(), "an idle that found work but did none then blocks");
            assertEquals(1, patient.blocks());

            patient.idle(1);
            patient.wake();
            patient.wake(); // only one counts: the first poll clears the flag and the next select the wakeup
            patient.idle(0);
            assertEquals(0, patient.spinPolls());
            patient.reset();
            final Thread waker = new Thread(() ->
            {
                while (patient.spinPolls() < 5)
                {
                    Thread.onSpinWait();
                }
                patient.wake();
            });
            waker.start();
            patient.idle(0);
            assertEquals(5, patient.spinPolls(), "three polls back to back, two after a yield, then the block");
            assertEquals(2, patient.blocks());
        }
        finally
        {
            patient.close();
        }
    }

    @Test
    void spinningEndsAtTheFirstReadySocketOrWake() throws IOException
    {
        final int manySpins = 1_000_000;
        final SelectorIdleStrategy spinner = new SelectorIdleStrategy(manySpins, 0, MINUTE_MS);
        try
        {
            spinner.watch(watched, SelectionKey.OP_READ);
            send();
            spinner.idle(0);
            final long polls = spinner.spinPolls();
            assertTrue(polls < manySpins, "spun on past a ready socket");
            spinner.reset();
            spinner.wake();
            spinner.idle(0);
            assertEquals(polls, spinner.spinPolls(), "a wake ends the spinning before it polls");
        }
        finally
        {
            spinner.close();
        }
    }

    @Test
    void aClosedWatchedSocketsPortCanBeBoundAgainOnceReleased() throws IOException
    {
        final InetSocketAddress address = (InetSocketAddress)watched.getLocalAddress();
        idle.watch(watched, SelectionKey.OP_READ);
        watched.close();
        idle.releaseClosed();
        try (DatagramChannel again = DatagramChannel.open())
        {
            again.bind(address);
            assertEquals(address, again.getLocalAddress());
        }
    }

    @Test
    void aClosedChannelIsNotWatched() throws IOException
    {
        watched.close();
        assertNull(idle.watch(watched, SelectionKey.OP_READ));
    }

    @Test
    void refusesNonsense()
    {
        assertThrows(IllegalArgumentException.class, () -> new SelectorIdleStrategy(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SelectorIdleStrategy(0, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SelectorIdleStrategy(0, 0, 0));
    }

    /**
     * Idles on another thread (the agent's) until the strategy has blocked once more than before.
     *
     * @return the number of blocks when it returned.
     */
    private CompletableFuture<Long> idleUntilBlocked()
    {
        final long before = idle.blocks();
        final CompletableFuture<Long> result = new CompletableFuture<>();
        final Thread agent = new Thread(() ->
        {
            idle.reset();
            while (idle.blocks() == before)
            {
                idle.idle(0);
            }
            result.complete(idle.blocks());
        }, "idle-agent");
        agent.setDaemon(true);
        agent.start();
        assertFalse(result.isDone() && result.join() == before);
        return result;
    }

    private void send() throws IOException
    {
        assertTrue(peer.send(ByteBuffer.wrap(new byte[]{ 1, 2, 3 }), watched.getLocalAddress()) > 0);
    }
}
