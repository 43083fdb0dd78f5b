package io.tandem.interconnect;

import io.tandem.interconnect.idle.ChannelWatcher;
import io.tandem.interconnect.idle.SelectorIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both ends with their media driver in their own duty cycle, each stepped by one thread that sleeps on the driver's
 * sockets between frames (how the controllers run).
 */
class InvokedDriverTest
{
    @Test
    void mirrorsWithEachEndOnOneThreadThatSleepsOnItsSockets() throws Exception
    {
        final int paths = 2;
        final int streams = 4;
        final int perStream = 1000;
        final CheckingSink sink = new CheckingSink(streams);
        final AtomicInteger senderSockets = new AtomicInteger();
        final AtomicInteger receiverSockets = new AtomicInteger();
        try (AeronDirs dirs = new AeronDirs();
            SelectorIdleStrategy senderIdle = new SelectorIdleStrategy();
            SelectorIdleStrategy receiverIdle = new SelectorIdleStrategy())
        {
            final int port = TestContexts.nextPortBase();
            try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
                TestContexts.context(dirs.base, "secondary", port, paths).recordSink(sink).useAgentInvoker(true)
                    .invokedDriver(true).channelWatcher(counting(receiverIdle, receiverSockets)));
                InterconnectEndpoint primary = InterconnectEndpoint.launchSender(
                    TestContexts.context(dirs.base, "primary", port, paths).invokedDriver(true)
                        .channelWatcher(counting(senderIdle, senderSockets))))
            {
                sink.markDurableWith(secondary.receiver());
                final AtomicBoolean running = new AtomicBoolean(true);
                final Thread receiverAgent = new Thread(() ->
                {
                    while (running.get())
                    {
                        receiverIdle.idle(secondary.invoker().invoke());
                    }
                }, "receiver-agent");
                receiverAgent.start();
                try
                {
                    final MirrorSender sender = primary.sender();
                    final UnsafeBuffer record = new UnsafeBuffer(new byte[4096]);
                    final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    int stream = 0;
                    while (!(TwoEndpointsTest.allOffered(sender, streams, perStream) && sender.isIdle()))
                    {
                        int work = 0;
                        final long sequence = sender.nextSequence(stream);
                        if (sequence <= perStream && MirrorSender.OK == sender.offer(
                            stream, sequence, record, 0, Payloads.encode(record, stream, sequence, 4000)))
                        {
                            work++;
                        }
                        stream = (stream + 1) % streams;
                        senderIdle.idle(work + primary.invoker().invoke());
                        assertTrue(System.nanoTime() < deadlineNs, "not all acknowledged in time");
                    }
                    for (int s = 0; s < streams; s++)
                    {
                        assertEquals(perStream, sink.lastSequence(s));
                        assertEquals(perStream, sender.ackedSequence(s));
                    }
                }
                finally
                {
                    // with nothing left to receive the agent must come to sleep on its sockets; on a loaded machine
                    // it may not have between frames, so give it until a deadline to do so
                    final long sleepDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (0 == receiverIdle.blocks() && System.nanoTime() < sleepDeadlineNs)
                    {
                        Thread.onSpinWait();
                    }
                    running.set(false);
                    receiverIdle.wake();
                    receiverAgent.join();
                }
                assertNull(sink.firstError());
                assertTrue(senderSockets.get() >= 2 * paths,
                    "each path's data and ack sockets are watched on the sender: " + senderSockets.get());
                assertTrue(receiverSockets.get() >= 2 * paths,
                    "and on the receiver: " + receiverSockets.get());
                assertTrue(receiverIdle.blocks() > 0, "the receiver sleeps on its sockets when it has nothing to do");
            }
        }
    }

    @Test
    void anEndpointClosedAndRelaunchedOnTheSamePortsAtOnceBindsThem()
    {
        try (AeronDirs dirs = new AeronDirs(); SelectorIdleStrategy idle = new SelectorIdleStrategy())
        {
            final int port = TestContexts.nextPortBase();
            for (int session = 0; session < 3; session++)
            {
                final InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
                    TestContexts.context(dirs.base, "secondary-" + session, port, 2).recordSink(new CheckingSink(4))
                        .useAgentInvoker(true).invokedDriver(true).channelWatcher(idle));
                for (int i = 0; i < 10; i++)
                {
                    idle.idle(secondary.invoker().invoke());
                }
                secondary.close(); // the agent never slept in between: only releaseClosed frees the ports
            }
        }
    }

    @Test
    void aWatcherNeedsTheDriverOnTheAgentsThread()
    {
        try (SelectorIdleStrategy idle = new SelectorIdleStrategy())
        {
            final String noDriver = assertThrows(IllegalArgumentException.class, () -> TestContexts.context(
                java.nio.file.Path.of("unused"), "primary", 1000, 1).useAgentInvoker(true).channelWatcher(idle)
                .conclude()).getMessage();
            assertTrue(noDriver.contains("channelWatcher needs invokedDriver"), noDriver);
            final String noInvoker = assertThrows(IllegalArgumentException.class, () -> TestContexts.context(
                java.nio.file.Path.of("unused"), "primary", 1000, 1).invokedDriver(true).channelWatcher(idle)
                .conclude()).getMessage();
            assertTrue(noInvoker.contains("channelWatcher needs invokedDriver"), noInvoker);
        }
    }

    private static ChannelWatcher counting(final SelectorIdleStrategy idle, final AtomicInteger count)
    {
        return new ChannelWatcher()
        {
            public java.nio.channels.SelectionKey watch(
                final java.nio.channels.SelectableChannel channel, final int interestOps)
            {
                if (channel instanceof DatagramChannel)
                {
                    count.incrementAndGet();
                }
                return idle.watch(channel, interestOps);
            }

            public void wake()
            {
                idle.wake();
            }

            public void releaseClosed()
            {
                idle.releaseClosed();
            }
        };
    }
}
