package io.tandem.interconnect;

import io.tandem.interconnect.status.InterconnectCounters;
import io.tandem.interconnect.status.InterconnectStatusReader;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A secondary in its own JVM for {@link SecondJvmTest}: runs a receiver whose sink checks ordering, prints
 * {@code READY <aeronDir>}, then once every stream reached {@code perStream} prints
 * {@code DONE <records> <duplicates> <first error or null>} and runs on until killed or its parent goes away.
 * <p>
 * Arguments: base directory, data port base, paths, streams, records per stream.
 */
public final class ReceiverChild
{
    public static void main(final String[] args) throws Exception
    {
        final Path base = Path.of(args[0]);
        final int port = Integer.parseInt(args[1]);
        final int paths = Integer.parseInt(args[2]);
        final int streams = Integer.parseInt(args[3]);
        final long perStream = Long.parseLong(args[4]);
        final CheckingSink sink = new CheckingSink(streams);
        try (InterconnectEndpoint secondary = InterconnectEndpoint.launchReceiver(
            TestContexts.context(base, "secondary", port, paths).streamCount(streams).recordSink(sink)))
        {
            sink.markDurableWith(secondary.receiver());
            System.out.println("READY " + secondary.aeronDirectory());
            boolean done = false;
            while (!done)
            {
                TimeUnit.MILLISECONDS.sleep(10);
                done = true;
                for (int s = 0; s < streams; s++)
                {
                    done &= sink.lastSequence(s) >= perStream;
                }
            }
            long duplicates;
            try (InterconnectStatusReader status = InterconnectStatusReader.open(secondary.aeronDirectory()))
            {
                duplicates = status.value(InterconnectCounters.DUPLICATES_TYPE_ID, -1, 0);
            }
            System.out.println("DONE " + sink.records() + " " + duplicates + " " + sink.firstError());
            // keep acknowledging until the parent has its acks and kills us, or dies (our stdin closes)
            while (System.in.read() != -1)
            {
                Thread.onSpinWait();
            }
        }
    }
}
