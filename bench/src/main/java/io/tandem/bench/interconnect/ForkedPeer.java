package io.tandem.bench.interconnect;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.logbuffer.FragmentHandler;
import io.tandem.bench.BenchMain;
import io.tandem.interconnect.InterconnectContext;
import io.tandem.interconnect.InterconnectEndpoint;
import io.tandem.interconnect.MirrorReceiver;
import io.tandem.interconnect.path.PathChannels;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The far end of the forked benchmarks, in its own JVM like the secondary controller: either an interconnect
 * receiver whose sink reports each record durable at once ({@code mirror}), or a raw Aeron subscriber that
 * answers every message carrying a non-zero first long with a 32-byte reply ({@code raw}). Prints {@code READY}
 * and runs until its standard input closes.
 * <p>
 * Arguments: {@code mirror <base> <port> <paths> <streams> <maxRecordLength>} or {@code raw <base> <port>}.
 */
public final class ForkedPeer
{
    private ForkedPeer()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path base = Path.of(args[1]);
        final int port = Integer.parseInt(args[2]);
        if ("mirror".equals(args[0]))
        {
            final MirrorReceiver[] receiver = new MirrorReceiver[1];
            try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(MirroredRun.context(
                base, "secondary", port, Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                Integer.parseInt(args[5]))
                .recordSink((stream, sequence, buffer, offset, length) ->
                {
                    receiver[0].markDurable(stream, sequence);
                    return true;
                })))
            {
                receiver[0] = secondary.receiver();
                System.out.println("READY");
                awaitParent();
            }
        }
        else
        {
            runRaw(base, port);
        }
    }

    private static void runRaw(final Path base, final int port) throws Exception
    {
        final AtomicBoolean running = new AtomicBoolean(true);
        try (MediaDriver driver = BenchDrivers.launch(base.resolve("raw-receiver"));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            Subscription subscription = aeron.addSubscription(
                PathChannels.dataSubscription(0, "127.0.0.1", port, InterconnectContext.RECEIVER_WINDOW_DEFAULT),
                PathChannels.DATA_STREAM_ID);
            ExclusivePublication replies = aeron.addExclusivePublication(
                PathChannels.ackPublication(0, "127.0.0.1", port + 1), PathChannels.ACK_STREAM_ID))
        {
            final UnsafeBuffer reply = new UnsafeBuffer(new byte[32]);
            final FragmentHandler handler = (buffer, offset, length, header) ->
            {
                final long ping = buffer.getLong(offset);
                if (0 != ping)
                {
                    reply.putLong(0, ping);
                    while (replies.offer(reply, 0, reply.capacity()) < 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            };
            final Thread poller = new Thread(() ->
            {
                final IdleStrategy idle = new BackoffIdleStrategy();
                while (running.get())
                {
                    idle.idle(subscription.poll(handler, 256));
                }
            }, "raw-peer");
            poller.start();
            System.out.println("READY");
            awaitParent();
            running.set(false);
            poller.join();
        }
    }

    private static void awaitParent() throws IOException
    {
        while (System.in.read() != -1)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * A running peer process; {@link #close()} closes its input and waits for it, then kills it if it lingers.
     */
    static final class Process implements AutoCloseable
    {
        private final java.lang.Process process;

        Process(final String... args) throws IOException
        {
            final List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(List.of(BenchMain.jvmFlags()));
            command.add("-D" + InterconnectContext.TRANSPORT_ITERATION_THRESHOLD_PROP_NAME + "=" +
                System.getProperty(InterconnectContext.TRANSPORT_ITERATION_THRESHOLD_PROP_NAME,
                InterconnectContext.TRANSPORT_ITERATION_THRESHOLD_DEFAULT));
            command.add("-cp");
            command.add(ManagementFactory.getRuntimeMXBean().getClassPath());
            command.add(ForkedPeer.class.getName());
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            final BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            final String line = out.readLine();
            if (!"READY".equals(line))
            {
                close();
                throw new IllegalStateException("peer did not start: " + line);
            }
        }

        public void close()
        {
            CloseHelper.quietClose(process.getOutputStream());
            try
            {
                if (!process.waitFor(10, TimeUnit.SECONDS))
                {
                    process.destroyForcibly().waitFor();
                }
            }
            catch (final InterruptedException ex)
            {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
