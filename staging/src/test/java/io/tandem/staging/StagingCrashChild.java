package io.tandem.staging;

import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Run by {@link StagingCrashTest} in a child JVM: appends self-checking records back to back as fast as it can
 * and prints the highest completed ticket each time it moves, until the device is full or it is killed.
 * Ticket n is record n, so a printed ticket promises records 1 to n are durable.
 * <pre>
 *  record: | sequence (int64) | payload length (int32) | CRC32C of sequence, length and payload (int32) | payload |
 * </pre>
 * Arguments: device file, capacity, durability, seed, and the directory of resident memory or "none".
 */
public final class StagingCrashChild
{
    static final int HEADER = 16;

    private StagingCrashChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final long capacity = Long.parseLong(args[1]);
        final Durability durability = Durability.valueOf(args[2]);
        final Random random = new Random(Long.parseLong(args[3]));
        final PrintStream out = System.out;

        final UnsafeBuffer record = new UnsafeBuffer(new byte[HEADER + 8192]);
        final Path residentDir = "none".equals(args[4]) ? null : Path.of(args[4]);
        try (NvramDevice device = NvramDevice.open(new NvramContext()
            .file(file).capacity(capacity).durability(durability).maxPendingWrites(1024).residentDir(residentDir)))
        {
            out.println("READY");
            out.flush();
            long address = 0;
            long sequence = 0;
            long printed = 0;
            while (true)
            {
                final int payloadLength = 1 + random.nextInt(8192);
                if (address + HEADER + payloadLength > capacity)
                {
                    break;
                }
                sequence++;
                fill(record, sequence, payloadLength, random);
                while (device.write(address, record, 0, HEADER + payloadLength) < 0)
                {
                    printed = print(out, device, printed);
                }
                address += HEADER + payloadLength;
                printed = print(out, device, printed);
            }
            device.awaitCompletion(sequence);
            print(out, device, printed);
            out.println("FULL");
            out.flush();
        }
    }

    private static long print(final PrintStream out, final NvramDevice device, final long printed)
    {
        final long completed = device.completedTicket();
        if (completed > printed)
        {
            out.println(completed);
            out.flush();
        }
        return Math.max(completed, printed);
    }

    static void fill(final UnsafeBuffer record, final long sequence, final int payloadLength, final Random random)
    {
        record.putLong(0, sequence, ByteOrder.LITTLE_ENDIAN);
        record.putInt(8, payloadLength, ByteOrder.LITTLE_ENDIAN);
        final byte seed = (byte)random.nextInt();
        for (int i = 0; i < payloadLength; i++)
        {
            record.putByte(HEADER + i, (byte)(seed + i));
        }
        record.putInt(12, crc(record, payloadLength), ByteOrder.LITTLE_ENDIAN);
    }

    static int crc(final UnsafeBuffer record, final int payloadLength)
    {
        final CRC32C crc = new CRC32C();
        crc.update(record.byteArray(), 0, 12);
        crc.update(record.byteArray(), HEADER, payloadLength);
        return (int)crc.getValue();
    }
}
