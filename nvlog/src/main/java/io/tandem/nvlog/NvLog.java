package io.tandem.nvlog;

import io.tandem.staging.NvramDevice;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The caching log: a bounded log of {@link LogRecord}s in two halves on a simulated NVRAM device.
 * <p>
 * Appends go to the active half. When a record does not fit, the log seals the active half with a padding
 * record, starts the other half (if it is free) with a start record of the next generation, and reports
 * that a consistency point is needed ({@link #sealedHalf()} is no longer -1). Once the consistency point has
 * put the sealed half's writes in the pool, {@link #release(int)} frees it. When both halves are in use and the
 * active one is full, an append returns {@link #LOG_FULL}: the caller waits for the consistency point. An
 * append never blocks.
 * <p>
 * Each append is one write to the device (the record followed by a zero end marker), so it is durable when the
 * device completes the ticket the append returned ({@link #completedTicket()}). After a crash,
 * {@link #open(NvLogContext)} scans both halves ({@link HalfScanner}), keeps every record up to the first torn
 * or corrupt one of each half, reports what it dropped, and cuts the log there with an end marker.
 * <p>
 * Device layout: the {@link LogHeader} in the first {@link LogHeader#REGION_LENGTH} bytes, then half 0, then
 * half 1, each {@code (capacity - 4096) / 2} bytes rounded down to the record alignment.
 * <p>
 * Not thread-safe: one thread appends, releases and reads. {@link #completedTicket()} may be read from any
 * thread, and while no thread appends or releases, several threads may scan at once, each with its own
 * flyweight ({@link #forEachInStream(int, long, LogRecord, RecordHandler)}). The append path does not allocate.
 */
public final class NvLog implements AutoCloseable
{
    /** The device's queue of pending writes is full: nothing was written, try again after completions. */
    public static final long BACK_PRESSURED = NvramDevice.BACK_PRESSURED;

    /** Both halves are in use and the active one is full: nothing was written, wait for a consistency point. */
    public static final long LOG_FULL = -2;

    private static final int END_MARKER_LENGTH = LogRecord.ALIGNMENT;
    /** Written after every record: where the log ends, until the next record overwrites it. */
    private static final DirectBuffer END_MARKER = new UnsafeBuffer(new byte[END_MARKER_LENGTH]);
    /** Room a half keeps at its end for the padding record that seals it. */
    private static final int SEAL_RESERVE = LogRecord.HEADER_LENGTH;
    /** A ZERO record's payload: the length zeroed. */
    public static final int ZERO_PAYLOAD_LENGTH = 8;

    private final NvLogContext ctx;
    private final NvramDevice device;
    private final LogHalf[] halves = new LogHalf[2];
    private final HalfScanner scanner;
    private final LogRecord encoder = new LogRecord();
    private final LogRecord copyReader = new LogRecord();
    private final LogRecord reader = new LogRecord();
    private final CRC32C crc = new CRC32C();
    /**
     * Encoding space: a record of up to the largest payload with its end marker at 0, and a control record
     * (padding, half start) with its end marker at {@link #controlAt}, so a half switch in the middle of an
     * append leaves the caller's record intact.
     */
    private final UnsafeBuffer scratch;
    private final int controlAt;
    private final RecoveryReport recoveryReport;
    private int active;
    private long epoch;
    private long halfSwitches;
    private long lastAppendAddress = -1;
    private int lastAppendLength;
    private long heldGeneration;
    private long ackedAloneEpoch;

    private NvLog(final NvLogContext ctx, final NvramDevice device) throws IOException
    {
        this.ctx = ctx;
        this.device = device;
        final long halfLength = halfLength(device.capacity());
        this.halves[0] = new LogHalf(0, LogHeader.REGION_LENGTH, LogHeader.REGION_LENGTH + halfLength);
        this.halves[1] = new LogHalf(1, halves[0].end, halves[0].end + halfLength);
        this.scanner = new HalfScanner(device.view());
        this.controlAt = LogRecord.alignedLength(ctx.maxPayloadLength()) + END_MARKER_LENGTH;
        this.scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            controlAt + LogRecord.HEADER_LENGTH + END_MARKER_LENGTH, 64));

        final boolean formatted = checkOrFormatHeader(halfLength);
        this.heldGeneration = new HeaderSlot().wrap(device.view(), HeaderSlot.HELD_GENERATION_OFFSET).value();
        this.ackedAloneEpoch = new HeaderSlot().wrap(device.view(), HeaderSlot.ACKED_ALONE_OFFSET).value();
        final HalfScan scan0 = scanner.scan(halves[0]);
        final HalfScan scan1 = scanner.scan(halves[1]);
        this.recoveryReport = new RecoveryReport(formatted, scan0, scan1);
        resume();
    }

    /**
     * Opens the log on its NVRAM device: formats a blank device, or checks the header and runs the recovery
     * scan. See {@link #recoveryReport()} for what the scan found.
     *
     * @throws NvLogFormatException if the device holds something else: another cluster's log, another format
     *                              version, another geometry; the device is left unchanged.
     * @throws IOException          if the device cannot be opened.
     */
    public static NvLog open(final NvLogContext ctx) throws IOException
    {
        ctx.conclude();
        final NvramDevice device = NvramDevice.open(ctx.nvram());
        try
        {
            final long halfLength = halfLength(device.capacity());
            final long smallestHalf = 2L * LogRecord.HEADER_LENGTH + LogRecord.alignedLength(ctx.maxPayloadLength()) +
                SEAL_RESERVE + END_MARKER_LENGTH;
            if (halfLength < smallestHalf)
            {
                throw new NvLogFormatException(device.file(), "device capacity " + device.capacity() +
                    " leaves halves of " + halfLength + " bytes; records of up to " + ctx.maxPayloadLength() +
                    " payload bytes need halves of at least " + smallestHalf);
            }
            return new NvLog(ctx, device);
        }
        catch (final IOException | RuntimeException ex)
        {
            device.close();
            throw ex;
        }
    }

    private static long halfLength(final long capacity)
    {
        return ((capacity - LogHeader.REGION_LENGTH) / 2) & ~(LogRecord.ALIGNMENT - 1);
    }

    private boolean checkOrFormatHeader(final long halfLength) throws IOException
    {
        final Path file = device.file();
        final LogHeader header = new LogHeader().wrap(device.view());
        if (header.isBlank())
        {
            if (!ctx.formatIfBlank())
            {
                throw new NvLogFormatException(file, "device holds no NVLog, and formatIfBlank is off");
            }
            final UnsafeBuffer fresh = new UnsafeBuffer(new byte[LogHeader.LENGTH]);
            new LogHeader().wrap(fresh).fill(ctx.clusterId(), halfLength, ctx.epochClock().time());
            device.awaitCompletion(device.write(0, fresh, 0, LogHeader.LENGTH));
            return true;
        }
        if (LogHeader.MAGIC != header.magic())
        {
            throw new NvLogFormatException(file, "not an NVLog (bad magic)");
        }
        if (LogHeader.VERSION != header.version())
        {
            throw new NvLogFormatException(file, "NVLog format version " + header.version() +
                ", this build reads version " + LogHeader.VERSION);
        }
        if (header.crc() != header.computeCrc())
        {
            throw new NvLogFormatException(file, "NVLog header is damaged (CRC mismatch)");
        }
        if (header.clusterId() != ctx.clusterId())
        {
            throw new NvLogFormatException(file, "NVLog belongs to cluster " + Long.toHexString(header.clusterId()) +
                ", this controller is in cluster " + Long.toHexString(ctx.clusterId()));
        }
        if (header.halfLength() != halfLength)
        {
            throw new NvLogFormatException(file, "NVLog halves are " + header.halfLength() +
                " bytes, the device's capacity gives " + halfLength);
        }
        return false;
    }

    /**
     * Chooses the active half after the scan, starts one if neither holds records, and cuts a torn tail of the
     * active half with an end marker so the next scan stops there cleanly.
     */
    private void resume()
    {
        final LogHalf h0 = halves[0];
        final LogHalf h1 = halves[1];
        if (h0.isFree() && h1.isFree())
        {
            // a blank log, or every record released: start the half that was used longer ago
            final int next = h0.generation <= h1.generation ? 0 : 1;
            device.awaitCompletion(startHalf(next, Math.max(h0.generation, h1.generation) + 1));
            return;
        }
        if (!h0.isFree() && !h1.isFree())
        {
            active = h0.generation > h1.generation ? 0 : 1;
            halves[1 - active].sealed = true;
        }
        else
        {
            active = h0.isFree() ? 1 : 0;
        }

        final LogHalf half = halves[active];
        if (HalfScan.Stop.TORN == recoveryReport.half(active).stop() &&
            half.end - half.appendAddress >= END_MARKER_LENGTH)
        {
            scratch.setMemory(0, END_MARKER_LENGTH, (byte)0);
            device.awaitCompletion(device.write(half.appendAddress, scratch, 0, END_MARKER_LENGTH));
        }
    }

    /**
     * Sets the epoch stamped on the control records the log writes itself (half starts, padding).
     */
    public void epoch(final long epoch)
    {
        this.epoch = epoch;
    }

    /**
     * Whether an append of a record carrying {@code payloadLength} bytes would be refused with {@link #LOG_FULL}
     * now: both halves in use and the active one without room for it. Lets a caller wait for the consistency
     * point before it does anything it could not undo; exact, so waiting on it cannot wait for nothing.
     *
     * @param payloadLength the payload of the record: the piece's length, or {@link #ZERO_PAYLOAD_LENGTH}.
     * @return false exactly when that append would return {@link #LOG_FULL}.
     */
    public boolean hasRoomFor(final int payloadLength)
    {
        final LogHalf half = halves[active];
        final boolean fits = !half.sealed &&
            half.appendAddress + LogRecord.alignedLength(payloadLength) + SEAL_RESERVE <= half.end;
        return fits || halves[1 - active].isFree();
    }

    /**
     * Appends a piece of a client write.
     *
     * @return the device ticket of the write (> 0): the record is durable once {@link #completedTicket()}
     * reaches it; or {@link #BACK_PRESSURED} or {@link #LOG_FULL} with nothing written.
     * @throws IllegalArgumentException naming the device if the payload is empty or longer than
     *                                  {@link NvLogContext#maxPayloadLength()}.
     */
    public long appendWrite(
        final int stream,
        final long streamSequence,
        final long lsn,
        final long recordEpoch,
        final int volume,
        final long volumeOffset,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        if (payloadLength < 1 || payloadLength > ctx.maxPayloadLength())
        {
            throw new IllegalArgumentException(device.file() + ": a write record carries 1 to " +
                ctx.maxPayloadLength() + " payload bytes, not " + payloadLength);
        }
        checkStream(stream);
        payload.boundsCheck(payloadOffset, payloadLength);
        // encoded where it will lie, in the device's staging area: the payload is copied once, from the request
        final int length = LogRecord.alignedLength(payloadLength);
        final long address = appendAddressFor(length);
        if (address < 0)
        {
            return address;
        }
        final long ticket = device.claim(address, length + END_MARKER_LENGTH);
        if (ticket > 0)
        {
            final MutableDirectBuffer area = device.claimedArea();
            encoder.wrap(area, (int)address).header(RecordType.WRITE, (short)0, stream, streamSequence, lsn,
                recordEpoch, volume, volumeOffset, payloadLength);
            area.putBytes((int)address + LogRecord.HEADER_LENGTH, payload, payloadOffset, payloadLength);
            encoder.seal(crc);
            area.putLong((int)address + length, 0L); // the end marker
            device.publish(ticket, address, length + END_MARKER_LENGTH);
            appended(address, lsn, length);
        }
        return ticket;
    }

    /**
     * Appends a piece of a client's WRITE_ZEROES: {@code length} zero bytes at {@code volumeOffset}, the blocks
     * kept allocated.
     *
     * @return as {@link #appendWrite}.
     */
    public long appendZero(
        final int stream,
        final long streamSequence,
        final long lsn,
        final long recordEpoch,
        final int volume,
        final long volumeOffset,
        final long length)
    {
        return appendZero(stream, streamSequence, lsn, recordEpoch, volume, volumeOffset, length, (short)0);
    }

    /**
     * Appends a piece of a client's WRITE_ZEROES or TRIM: {@code length} zero bytes at {@code volumeOffset};
     * {@code flags} {@link LogRecord#FLAG_HOLE} if the whole blocks zeroed may become holes.
     *
     * @return as {@link #appendWrite}.
     */
    public long appendZero(
        final int stream,
        final long streamSequence,
        final long lsn,
        final long recordEpoch,
        final int volume,
        final long volumeOffset,
        final long length,
        final short flags)
    {
        if (length < 1)
        {
            throw new IllegalArgumentException(device.file() + ": a zero record covers at least one byte, not " +
                length);
        }
        checkStream(stream);
        encoder.wrap(scratch, 0).header(RecordType.ZERO, flags, stream, streamSequence, lsn, recordEpoch, volume,
            volumeOffset, ZERO_PAYLOAD_LENGTH);
        scratch.putLong(LogRecord.HEADER_LENGTH, length, ByteOrder.LITTLE_ENDIAN);
        encoder.seal(crc);
        return appendEncoded(scratch, 0, lsn, encoder.alignedLength());
    }

    /**
     * Appends a consistency point marker: every write with an LSN up to {@code cpLsn} is in the pool.
     *
     * @return as {@link #appendWrite}.
     */
    public long appendCpMarker(final long cpLsn, final long recordEpoch)
    {
        encoder.wrap(scratch, 0).header(RecordType.CP_MARKER, (short)0, LogRecord.CONTROL_STREAM, 0, cpLsn,
            recordEpoch, 0, 0, 0);
        encoder.seal(crc);
        return appendEncoded(scratch, 0, cpLsn, encoder.alignedLength());
    }

    /**
     * Appends the record that opens mirror generation {@code generation} on {@code stream}
     * ({@link RecordType#GENERATION_START}); it changes nothing in the volume and is not visited by
     * {@link #forEachInStream}.
     *
     * @param lsn the LSN of the last write before it: it takes none of its own.
     * @return as {@link #appendWrite}.
     */
    public long appendGenerationStart(
        final int stream, final long streamSequence, final long lsn, final long generation)
    {
        checkStream(stream);
        encoder.wrap(scratch, 0).header(RecordType.GENERATION_START, (short)0, stream, streamSequence, lsn,
            generation, 0, 0, 0);
        encoder.seal(crc);
        return appendEncoded(scratch, 0, lsn, encoder.alignedLength());
    }

    /**
     * Records in the log's header that it holds mirror generation {@code generation} complete, from the first
     * record of every stream on. One device write, ordered with the appends: a record appended after this call
     * is durable only once this is.
     *
     * @return the ticket of the write, or {@link #BACK_PRESSURED} with nothing written.
     */
    public long recordHeldGeneration(final long generation)
    {
        final long ticket = writeSlot(HeaderSlot.HELD_GENERATION_OFFSET, generation);
        if (ticket > 0)
        {
            heldGeneration = generation;
        }
        return ticket;
    }

    /**
     * Records in the log's header that the controller writing it acknowledges writes in {@code epoch} that no
     * mirror holds (0: none since its last resync): a log so marked may hold the last copy of acknowledged
     * writes, and is kept rather than emptied when its controller rejoins as secondary. Ordered with the appends.
     *
     * @return the ticket of the write, or {@link #BACK_PRESSURED} with nothing written.
     */
    public long recordAckedAlone(final long epoch)
    {
        final long ticket = writeSlot(HeaderSlot.ACKED_ALONE_OFFSET, epoch);
        if (ticket > 0)
        {
            ackedAloneEpoch = epoch;
        }
        return ticket;
    }

    /**
     * @return the epoch in which this log's controller last acknowledged writes no mirror holds, 0 for none.
     */
    public long ackedAloneEpoch()
    {
        return ackedAloneEpoch;
    }

    private long writeSlot(final int offset, final long value)
    {
        final UnsafeBuffer slot = new UnsafeBuffer(new byte[HeaderSlot.LENGTH]);
        new HeaderSlot().wrap(slot, 0).fill(value);
        return device.write(offset, slot, 0, HeaderSlot.LENGTH);
    }

    /**
     * @return the mirror generation this log holds complete, as last recorded (durable or not yet); 0 for none.
     */
    public long heldGeneration()
    {
        return heldGeneration;
    }

    private void checkStream(final int stream)
    {
        if (stream < 0 || stream >= ctx.streamCount())
        {
            throw new IllegalArgumentException(device.file() + ": stream " + stream + " is not one of the " +
                ctx.streamCount() + " streams");
        }
    }

    /**
     * Appends a record that is already encoded, byte for byte: how the secondary stores what the primary
     * mirrored to it.
     *
     * @param length the record's aligned length.
     * @return as {@link #appendWrite}.
     * @throws IllegalArgumentException naming the device if the bytes are not one whole, valid WRITE, ZERO,
     *                                  CP_MARKER or GENERATION_START record; nothing is written then.
     */
    public long appendCopy(final DirectBuffer src, final int offset, final int length)
    {
        final int maxLength = LogRecord.alignedLength(ctx.maxPayloadLength());
        if (length < LogRecord.HEADER_LENGTH || length > maxLength)
        {
            throw new IllegalArgumentException(device.file() + ": a record is " + LogRecord.HEADER_LENGTH + " to " +
                maxLength + " bytes, not " + length);
        }
        // checked where it lies and written from there, one copy into the staging area; a buffer the CRC
        // cannot be read from in place (raw memory) is copied into scratch first
        final boolean inPlace = LogRecord.checksumsInPlace(src);
        final DirectBuffer record = inPlace ? src : scratch;
        final int recordOffset = inPlace ? offset : 0;
        if (!inPlace)
        {
            scratch.putBytes(0, src, offset, length);
        }
        copyReader.wrap(record, recordOffset);
        final int frameLength = copyReader.frameLength();
        if (frameLength < LogRecord.HEADER_LENGTH || copyReader.alignedLength() != length ||
            copyReader.payloadLength() != frameLength - LogRecord.HEADER_LENGTH || !copyReader.crcMatches(crc))
        {
            throw new IllegalArgumentException(device.file() + ": refused a torn or corrupt record of " + length +
                " bytes");
        }
        final short type = copyReader.type();
        if (RecordType.WRITE != type && RecordType.ZERO != type && RecordType.CP_MARKER != type &&
            RecordType.GENERATION_START != type)
        {
            throw new IllegalArgumentException(device.file() + ": refused a record of type " +
                RecordType.name(type) + "; only WRITE, ZERO, CP_MARKER and GENERATION_START records are copied");
        }
        return appendEncoded(record, recordOffset, copyReader.lsn(), length);
    }

    /**
     * Writes the record at {@code offset} in {@code src} (aligned length {@code length}) and an end marker after
     * it, as one device write.
     */
    private long appendEncoded(final DirectBuffer src, final int offset, final long lsn, final int length)
    {
        final long address = appendAddressFor(length);
        if (address < 0)
        {
            return address;
        }
        final long ticket = device.write(address, src, offset, length, END_MARKER, 0, END_MARKER_LENGTH);
        if (ticket > 0)
        {
            appended(address, lsn, length);
        }
        return ticket;
    }

    /**
     * @return where the next record of aligned length {@code length} goes, in the active half, switching halves
     * if it has no room; or, when they cannot be switched now, {@link #LOG_FULL} or {@link #BACK_PRESSURED}.
     */
    private long appendAddressFor(final int length)
    {
        final LogHalf half = halves[active];
        if (half.sealed || half.appendAddress + length + SEAL_RESERVE > half.end)
        {
            final long switched = switchHalves();
            if (switched < 0)
            {
                return switched;
            }
        }
        return halves[active].appendAddress;
    }

    /**
     * The record of aligned length {@code length} at {@code address}, in the active half, was written.
     */
    private void appended(final long address, final long lsn, final int length)
    {
        halves[active].onRecord(lsn, length);
        lastAppendAddress = address;
        lastAppendLength = length;
    }

    /**
     * Seals the active half and starts the other one. Each step is one device write and is not repeated once
     * done, so a {@link #BACK_PRESSURED} in the middle is resumed by the next append.
     *
     * @return the ticket of the last write, or a code.
     */
    private long switchHalves()
    {
        final LogHalf half = halves[active];
        final LogHalf other = halves[1 - active];
        if (!other.isFree())
        {
            return LOG_FULL;
        }
        if (!half.sealed)
        {
            encoder.wrap(scratch, controlAt).header(RecordType.PADDING, (short)0, LogRecord.CONTROL_STREAM, 0, 0, epoch,
                0, 0, 0);
            encoder.seal(crc);
            final long ticket = device.write(half.appendAddress, scratch, controlAt, LogRecord.HEADER_LENGTH);
            if (ticket < 0)
            {
                return ticket;
            }
            half.appendAddress += LogRecord.HEADER_LENGTH;
            half.sealed = true;
        }
        return startHalf(1 - active, half.generation + 1);
    }

    private long startHalf(final int index, final long generation)
    {
        final LogHalf half = halves[index];
        encoder.wrap(scratch, controlAt).header(RecordType.HALF_START, (short)0, LogRecord.CONTROL_STREAM, generation,
            0, epoch, 0, 0, 0);
        encoder.seal(crc);
        final long ticket = writeControl(half.start);
        if (ticket < 0)
        {
            return ticket;
        }
        half.startGeneration(generation, half.start + LogRecord.HEADER_LENGTH);
        active = index;
        halfSwitches++;
        return ticket;
    }

    /**
     * Writes the control record encoded at {@link #controlAt}, followed by an end marker.
     */
    private long writeControl(final long address)
    {
        scratch.putLong(controlAt + LogRecord.HEADER_LENGTH, 0L);
        return device.write(address, scratch, controlAt, LogRecord.HEADER_LENGTH + END_MARKER_LENGTH);
    }

    /**
     * @return the log's bytes as appends left them, read-only: an appended record lies at the address
     * {@link #lastAppendAddress()} gave right after its append, {@link #lastAppendLength()} bytes long, and stays
     * there until its half is released. How a record is mirrored byte for byte without a copy.
     */
    public DirectBuffer recordBuffer()
    {
        return device.view();
    }

    /**
     * @return the device address of the record the last successful append wrote: its bytes, exactly as logged,
     * are in {@link #device()}{@code .view()} there, {@link #lastAppendLength()} long, until its half is
     * released. What the primary mirrors to its partner.
     */
    public long lastAppendAddress()
    {
        return lastAppendAddress;
    }

    /**
     * @return the aligned length of the record the last successful append wrote.
     */
    public int lastAppendLength()
    {
        return lastAppendLength;
    }

    /**
     * @return the index of the half that is sealed and waits for a consistency point, or -1 if none does.
     */
    public int sealedHalf()
    {
        final LogHalf other = halves[1 - active];
        return other.inUse && !other.released ? other.index : -1;
    }

    /**
     * @return the device address where half {@code index} starts: its records lie in {@link #recordBuffer()} from
     * there up to {@link #halfEnd(int)}.
     */
    public long halfStart(final int index)
    {
        return halves[index].start;
    }

    /**
     * @return the device address just past half {@code index}.
     */
    public long halfEnd(final int index)
    {
        return halves[index].end;
    }

    /**
     * @return the highest LSN in half {@code index}, or {@link Long#MIN_VALUE} if it holds no record.
     */
    public long maxLsn(final int index)
    {
        return halves[index].maxLsn;
    }

    /**
     * Releases the sealed half after a consistency point: its records need never be replayed, and the log may
     * reuse it. Records in it are no longer read.
     *
     * @return the ticket of the write that marks it released, or {@link #BACK_PRESSURED} with nothing done.
     * @throws IllegalStateException if {@code index} is not the sealed half.
     */
    public long release(final int index)
    {
        if (index != sealedHalf())
        {
            throw new IllegalStateException(device.file() + ": half " + index + " is not sealed awaiting release" +
                " (sealed half: " + sealedHalf() + ")");
        }
        final LogHalf half = halves[index];
        encoder.wrap(scratch, controlAt).header(RecordType.HALF_START, LogRecord.FLAG_RELEASED,
            LogRecord.CONTROL_STREAM, half.generation, 0, epoch, 0, 0, 0);
        encoder.seal(crc);
        final long ticket = writeControl(half.start);
        if (ticket > 0)
        {
            half.released = true;
        }
        return ticket;
    }

    /**
     * Releases every record the log holds and starts a fresh, empty half, without re-creating the device: what a
     * secondary does when it starts a new mirror session (nothing of the old one is needed: the primary put it
     * all in the pool first). Waits until the change is durable; not for the I/O path.
     */
    public void discardAll()
    {
        long generation = 0;
        for (final LogHalf half : halves)
        {
            generation = Math.max(generation, half.generation);
            if (half.inUse && !half.released)
            {
                encoder.wrap(scratch, controlAt).header(RecordType.HALF_START, LogRecord.FLAG_RELEASED,
                    LogRecord.CONTROL_STREAM, half.generation, 0, epoch, 0, 0, 0);
                encoder.seal(crc);
                device.awaitCompletion(awaitWrite(half.start));
                half.released = true;
            }
        }
        final int next = halves[0].generation <= halves[1].generation ? 0 : 1;
        long ticket;
        while ((ticket = startHalf(next, generation + 1)) < 0)
        {
            device.awaitCompletion(device.lastTicket());
        }
        device.awaitCompletion(ticket);
    }

    private long awaitWrite(final long address)
    {
        long ticket;
        while ((ticket = writeControl(address)) < 0)
        {
            device.awaitCompletion(device.lastTicket());
        }
        return ticket;
    }

    /**
     * Releases the sealed half if every record in it has an LSN up to {@code cpLsn}: what a secondary does when
     * its primary reports a consistency point.
     *
     * @return the ticket of the release, 0 if there was nothing to release, or {@link #BACK_PRESSURED}.
     */
    public long releaseUpTo(final long cpLsn)
    {
        final int sealed = sealedHalf();
        if (-1 == sealed || halves[sealed].maxLsn > cpLsn)
        {
            return 0;
        }
        return release(sealed);
    }

    /**
     * Visits every WRITE, ZERO and CP_MARKER record in the log, the sealed half's before the active half's, each half
     * in append order. Records appended but not yet durable are included.
     *
     * @return how many records were visited.
     */
    public long forEach(final RecordHandler handler)
    {
        return forEachInStream(Integer.MIN_VALUE, Long.MIN_VALUE, handler);
    }

    /**
     * Visits the WRITE and ZERO records of one stream with an LSN of at least {@code fromLsn}, in stream sequence
     * order.
     * Uses the log's own flyweight: only the log's thread may call it.
     *
     * @param stream a stream id, or {@link Integer#MIN_VALUE} for every record of every stream.
     * @return how many records were visited.
     */
    public long forEachInStream(final int stream, final long fromLsn, final RecordHandler handler)
    {
        return forEachInStream(stream, fromLsn, reader, handler);
    }

    /**
     * As {@link #forEachInStream(int, long, RecordHandler)}, reading through the caller's flyweight: several
     * threads may scan at once (a takeover scans every stream in parallel), each with its own flyweight, as long
     * as no thread appends or releases meanwhile.
     *
     * @param flyweight wrapped over each record in turn and handed to {@code handler}.
     * @return how many records were visited.
     */
    public long forEachInStream(
        final int stream, final long fromLsn, final LogRecord flyweight, final RecordHandler handler)
    {
        long visited = 0;
        final int sealed = sealedHalf();
        if (-1 != sealed)
        {
            visited += visitHalf(halves[sealed], stream, fromLsn, flyweight, handler);
        }
        return visited + visitHalf(halves[active], stream, fromLsn, flyweight, handler);
    }

    private long visitHalf(
        final LogHalf half,
        final int stream,
        final long fromLsn,
        final LogRecord flyweight,
        final RecordHandler handler)
    {
        if (!half.inUse || half.released)
        {
            return 0;
        }
        long visited = 0;
        final DirectBuffer view = device.view();
        long at = half.start + LogRecord.HEADER_LENGTH;
        while (at < half.appendAddress)
        {
            flyweight.wrap(view, (int)at);
            final short type = flyweight.type();
            if (RecordType.PADDING == type)
            {
                break;
            }
            final boolean wanted = Integer.MIN_VALUE == stream ?
                RecordType.WRITE == type || RecordType.ZERO == type || RecordType.CP_MARKER == type :
                (RecordType.WRITE == type || RecordType.ZERO == type) && flyweight.stream() == stream;
            if (wanted && flyweight.lsn() >= fromLsn)
            {
                handler.onRecord(flyweight);
                visited++;
            }
            final int length = flyweight.alignedLength();
            if (length < LogRecord.HEADER_LENGTH)
            {
                // an empty frame below the append address: the walk would never end (the simulator found a
                // takeover's scan spinning here); say where, and let the caller fail rather than serve
                throw new IllegalStateException("NVLog half " + half.index + ": a record of length " + length +
                    " at address " + at + ", below the append address " + half.appendAddress);
            }
            at += length;
        }
        return visited;
    }

    /**
     * @return every append with a ticket up to this one is durable. Any thread.
     */
    public long completedTicket()
    {
        return device.completedTicket();
    }

    /**
     * @return true once the append that returned {@code ticket} is durable.
     */
    public boolean isDurable(final long ticket)
    {
        return device.completedTicket() >= ticket;
    }

    /**
     * @return what the recovery scan found when the log was opened.
     */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    public int activeHalf()
    {
        return active;
    }

    /**
     * @return bytes of each half; what one half holds before the log switches.
     */
    public long halfLength()
    {
        return halves[0].end - halves[0].start;
    }

    /**
     * @return bytes in use in both halves, released halves not counted.
     */
    public long bytesUsed()
    {
        long used = 0;
        for (final LogHalf half : halves)
        {
            if (half.inUse && !half.released)
            {
                used += half.bytesUsed();
            }
        }
        return used;
    }

    /**
     * @return the share of the log in use, 0.0 to 1.0.
     */
    public double fill()
    {
        return bytesUsed() / (2.0 * halfLength());
    }

    public long halfSwitches()
    {
        return halfSwitches;
    }

    public StreamPartitioner partitioner()
    {
        return ctx.partitioner();
    }

    public long clusterId()
    {
        return ctx.clusterId();
    }

    public NvramDevice device()
    {
        return device;
    }

    /**
     * Waits until every append so far is durable, then closes the device.
     */
    public void close() throws IOException
    {
        device.close();
    }
}
