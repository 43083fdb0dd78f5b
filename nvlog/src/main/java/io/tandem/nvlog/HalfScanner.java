package io.tandem.nvlog;

import org.agrona.DirectBuffer;

import java.util.zip.CRC32C;

/**
 * The recovery scan of one half: walks its records from the start record and stops at the end marker, the
 * sealing padding, the end of the half, or the first record that is short, torn, corrupt or of an unknown type.
 * It never hands on a record whose CRC fails; what it refused is counted in {@link HalfScan#droppedBytes()}.
 * <p>
 * Also validates a single record for the log's other readers ({@link #isValidAt}). Not thread-safe.
 */
final class HalfScanner
{
    private final DirectBuffer view;
    private final LogRecord record = new LogRecord();
    private final CRC32C crc = new CRC32C();

    HalfScanner(final DirectBuffer view)
    {
        this.view = view;
    }

    /**
     * Scans {@code half} and sets its state (generation, records, LSN bounds, append address, released, sealed).
     */
    HalfScan scan(final LogHalf half)
    {
        final long start = half.start;
        if (isZeroAt(start))
        {
            return new HalfScan(half.index, HalfScan.State.UNUSED, 0, 0, 0, HalfScan.Stop.END, start, 0);
        }
        if (!isValidAt(start, half.end) || RecordType.HALF_START != record.type())
        {
            return new HalfScan(half.index, HalfScan.State.UNUSED, 0, 0, 0, HalfScan.Stop.TORN, start,
                dropped(start, half.end));
        }
        half.startGeneration(record.streamSequence(), start + record.alignedLength());
        if (0 != (record.flags() & LogRecord.FLAG_RELEASED))
        {
            half.released = true;
            return new HalfScan(half.index, HalfScan.State.RELEASED, half.generation, 0, 0, HalfScan.Stop.END,
                start, 0);
        }

        HalfScan.Stop stop;
        long dropped = 0;
        while (true)
        {
            final long at = half.appendAddress;
            if (half.end - at < LogRecord.ALIGNMENT)
            {
                stop = HalfScan.Stop.FULL;
                break;
            }
            if (isZeroAt(at))
            {
                stop = HalfScan.Stop.END;
                break;
            }
            if (!isValidAt(at, half.end) || RecordType.HALF_START == record.type())
            {
                stop = HalfScan.Stop.TORN;
                dropped = dropped(at, half.end);
                break;
            }
            if (RecordType.PADDING == record.type())
            {
                half.appendAddress += record.alignedLength();
                half.sealed = true;
                stop = HalfScan.Stop.SEALED;
                break;
            }
            half.onRecord(record.lsn(), record.alignedLength());
        }
        return new HalfScan(half.index, HalfScan.State.IN_USE, half.generation, half.records, half.bytesUsed(), stop,
            half.appendAddress, dropped);
    }

    /**
     * @return a whole record of a known type, with a good CRC, lies at {@code address} and ends by {@code end};
     * if so the scanner's flyweight is left wrapped on it.
     */
    boolean isValidAt(final long address, final long end)
    {
        if (end - address < LogRecord.HEADER_LENGTH)
        {
            return false;
        }
        record.wrap(view, (int)address);
        final int frameLength = record.frameLength();
        if (frameLength < LogRecord.HEADER_LENGTH || frameLength > end - address ||
            record.payloadLength() != frameLength - LogRecord.HEADER_LENGTH ||
            record.alignedLength() > end - address)
        {
            return false;
        }
        return RecordType.isKnown(record.type()) && record.crcMatches(crc);
    }

    LogRecord record()
    {
        return record;
    }

    private boolean isZeroAt(final long address)
    {
        return 0 == view.getLong((int)address);
    }

    private long dropped(final long from, final long end)
    {
        for (long at = end - 1; at >= from; at--)
        {
            if (0 != view.getByte((int)at))
            {
                return at + 1 - from;
            }
        }
        return 0;
    }
}
