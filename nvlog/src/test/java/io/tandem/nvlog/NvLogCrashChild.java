package io.tandem.nvlog;

import io.tandem.staging.Durability;
import io.tandem.staging.NvramContext;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Run by {@link NvLogCrashTest} in a child JVM: appends write records with LSN 1, 2, 3, ... as fast as it can
 * until it is killed, and prints what it may promise:
 * <ul>
 * <li>{@code D n}: every record up to LSN n is durable (its append's ticket completed);</li>
 * <li>{@code R n}: a half holding records up to LSN n was released, as a consistency point would, so those
 * records may be gone after a crash.</li>
 * </ul>
 * It releases the sealed half as soon as the log reports one, so it never runs out of log.
 * Arguments: device file, capacity, durability, previous highest LSN (0 for a new log).
 */
public final class NvLogCrashChild
{
    static final int MAX_PAYLOAD = 8192;

    private NvLogCrashChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final long capacity = Long.parseLong(args[1]);
        final Durability durability = Durability.valueOf(args[2]);
        long lsn = Long.parseLong(args[3]);
        final PrintStream out = System.out;
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[MAX_PAYLOAD]);
        final long[] ticketOfLsn = new long[1 << 16];
        final int mask = ticketOfLsn.length - 1;

        try (NvLog log = NvLog.open(new NvLogContext().maxPayloadLength(MAX_PAYLOAD)
            .nvram(new NvramContext().file(file).capacity(capacity).durability(durability).maxPendingWrites(1024))))
        {
            out.println("READY " + log.recoveryReport());
            out.flush();
            long printed = lsn;
            while (true)
            {
                final long next = lsn + 1;
                final long ticket = TestLogs.append(log, payload, next, MAX_PAYLOAD);
                if (ticket > 0)
                {
                    ticketOfLsn[(int)(next & mask)] = ticket;
                    lsn = next;
                }
                else if (NvLog.LOG_FULL == ticket)
                {
                    final int sealed = log.sealedHalf();
                    final long maxLsn = log.maxLsn(sealed);
                    if (log.release(sealed) > 0)
                    {
                        out.println("R " + maxLsn);
                    }
                }
                long durable = printed;
                while (durable < lsn && log.isDurable(ticketOfLsn[(int)((durable + 1) & mask)]))
                {
                    durable++;
                }
                if (durable > printed || lsn - printed > mask / 2)
                {
                    if (durable == printed)
                    {
                        log.device().awaitCompletion(ticketOfLsn[(int)(lsn & mask)]);
                        continue;
                    }
                    out.println("D " + durable);
                    out.flush();
                    printed = durable;
                }
            }
        }
    }
}
