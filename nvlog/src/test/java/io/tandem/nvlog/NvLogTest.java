package io.tandem.nvlog;

import io.tandem.staging.NvramContext;
import io.tandem.staging.StagingFormatException;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.tandem.nvlog.TestLogs.SMALL_MAX_PAYLOAD;
import static io.tandem.nvlog.TestLogs.append;
import static io.tandem.nvlog.TestLogs.lsns;
import static io.tandem.nvlog.TestLogs.payloadMatches;
import static io.tandem.nvlog.TestLogs.small;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NvLogTest
{
    @TempDir
    Path dir;

    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[8192]);

    private Path file()
    {
        return dir.resolve("nvlog.dev");
    }

    @Test
    void aBlankDeviceIsFormattedAndAppendsReadBackAfterReopen() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            assertTrue(log.recoveryReport().formatted());
            assertEquals(0, log.activeHalf());
            assertEquals(-1, log.sealedHalf());
            long ticket = 0;
            for (long lsn = 1; lsn <= 10; lsn++)
            {
                ticket = append(log, payload, lsn, 100);
                assertTrue(ticket > 0);
            }
            assertFalse(log.isDurable(ticket));
            log.device().awaitCompletion(ticket);
            assertTrue(log.isDurable(ticket));
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), lsns(log));
        }
        try (NvLog log = NvLog.open(small(file())))
        {
            final RecoveryReport report = log.recoveryReport();
            assertFalse(report.formatted());
            assertTrue(report.clean(), report.toString());
            assertEquals(10, report.records());
            assertEquals(HalfScan.Stop.END, report.half0().stop());
            assertEquals(HalfScan.State.UNUSED, report.half1().state());
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), lsns(log));
            append(log, payload, 11, 100);
            assertEquals(11, lsns(log).size());
        }
    }

    /**
     * The 10,000-seed simulation found a takeover's scan spinning on a record of length 0 below the append
     * address: the walk never advanced. It now fails, saying where.
     */
    @Test
    void aWalkThatMeetsAnEmptyRecordBelowTheAppendAddressFailsInsteadOfSpinning() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            for (long lsn = 1; lsn <= 10; lsn++)
            {
                append(log, payload, lsn, 100);
            }
            append(log, payload, 11, 100);
            final long emptied = log.lastAppendAddress();
            append(log, payload, 12, 100);
            final UnsafeBuffer zeroes = new UnsafeBuffer(new byte[LogRecord.HEADER_LENGTH]);
            log.device().awaitCompletion(log.device().write(emptied, zeroes, 0, zeroes.capacity()));
            final IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> log.forEachInStream(Integer.MIN_VALUE, 0, record -> {})));
            assertTrue(thrown.getMessage().contains("a record of length 0 at address " + emptied),
                thrown.getMessage());
        }
    }

    @Test
    void streamIterationReturnsOneStreamInSequenceOrderFromAnLsn() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            for (long lsn = 1; lsn <= 40; lsn++)
            {
                append(log, payload, lsn, 64);
            }
            final List<Long> sequences = new ArrayList<>();
            final List<Long> lsns = new ArrayList<>();
            log.forEachInStream(3, 12, record ->
            {
                assertEquals(3, record.stream());
                sequences.add(record.streamSequence());
                lsns.add(record.lsn());
            });
            assertEquals(List.of(19L, 27L, 35L), lsns);
            assertEquals(List.of(3L, 4L, 5L), sequences);
        }
    }

    @Test
    void concurrentScansWithTheirOwnFlyweightsEachSeeTheirWholeStream() throws Exception
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            for (long lsn = 1; lsn <= 40; lsn++)
            {
                append(log, payload, lsn, 64);
            }
            final int streams = log.partitioner().streamCount();
            final CyclicBarrier together = new CyclicBarrier(streams);
            final ExecutorService pool = Executors.newFixedThreadPool(streams);
            try
            {
                final List<Future<List<Long>>> scans = new ArrayList<>();
                for (int s = 0; s < streams; s++)
                {
                    final int stream = s;
                    scans.add(pool.submit(() ->
                    {
                        final LogRecord flyweight = new LogRecord();
                        final List<Long> lsns = new ArrayList<>();
                        together.await(5, TimeUnit.SECONDS);
                        for (int round = 0; round < 200; round++)
                        {
                            lsns.clear();
                            log.forEachInStream(stream, 0, flyweight, record ->
                            {
                                if (record != flyweight || record.stream() != stream || !payloadMatches(record))
                                {
                                    throw new AssertionError("stream " + stream + " saw " + record);
                                }
                                lsns.add(record.lsn());
                            });
                        }
                        return lsns;
                    }));
                }
                for (int s = 0; s < streams; s++)
                {
                    final List<Long> expected = new ArrayList<>();
                    for (long lsn = s == 0 ? streams : s; lsn <= 40; lsn += streams)
                    {
                        expected.add(lsn);
                    }
                    assertEquals(expected, scans.get(s).get(10, TimeUnit.SECONDS), "stream " + s);
                }
            }
            finally
            {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void hasRoomForSaysExactlyWhetherAnAppendWouldBeLogFull() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            long lsn = 0;
            long code;
            do
            {
                lsn++;
                final boolean room = log.hasRoomFor(TestLogs.payloadLength(lsn, SMALL_MAX_PAYLOAD));
                code = append(log, payload, lsn, SMALL_MAX_PAYLOAD);
                assertEquals(room, NvLog.LOG_FULL != code, "LSN " + lsn);
                assertTrue(lsn < 1000, "the log never filled");
            }
            while (code > 0);
            assertEquals(NvLog.LOG_FULL, code);

            log.device().awaitCompletion(log.release(log.sealedHalf()));
            assertTrue(log.hasRoomFor(SMALL_MAX_PAYLOAD), "a released half makes room");
        }
    }

    @Test
    void aFullHalfSwitchesAndAsksForACheckpointAndBothFullReturnsLogFull() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            long lsn = 0;
            while (-1 == log.sealedHalf())
            {
                assertTrue(append(log, payload, ++lsn, SMALL_MAX_PAYLOAD) > 0);
            }
            assertEquals(0, log.sealedHalf());
            assertEquals(1, log.activeHalf());
            assertEquals(lsn - 1, log.maxLsn(0));
            final long switchedAt = lsn;

            long code;
            while ((code = append(log, payload, ++lsn, SMALL_MAX_PAYLOAD)) > 0)
            {
                assertTrue(lsn < 1000, "the log never filled");
            }
            assertEquals(NvLog.LOG_FULL, code);
            assertEquals(NvLog.LOG_FULL, append(log, payload, lsn, SMALL_MAX_PAYLOAD), "full stays full");
            final int recordsBeforeFull = lsns(log).size();
            assertEquals(lsn - 1, recordsBeforeFull);

            assertEquals(0, log.releaseUpTo(switchedAt - 2), "the sealed half still holds later writes");
            log.device().awaitCompletion(log.releaseUpTo(switchedAt - 1));
            assertEquals(-1, log.sealedHalf());
            assertEquals(lsn - switchedAt, lsns(log).size(), "released records are not read");
            assertTrue(append(log, payload, lsn, SMALL_MAX_PAYLOAD) > 0, "the released half is reused");
            assertEquals(0, log.activeHalf());
            assertEquals(1, log.sealedHalf());
            assertEquals(3, log.halfSwitches());
        }
        try (NvLog log = NvLog.open(small(file())))
        {
            final RecoveryReport report = log.recoveryReport();
            assertTrue(report.clean(), report.toString());
            assertEquals(HalfScan.Stop.SEALED, report.half1().stop());
            assertEquals(report.half0().generation(), report.half1().generation() + 1);
            final List<Long> lsns = lsns(log);
            for (int i = 1; i < lsns.size(); i++)
            {
                assertEquals(lsns.get(i - 1) + 1, lsns.get(i), "sealed half first, then the active one");
            }
        }
    }

    @Test
    void discardingEverythingLeavesAnEmptyLogThatStaysEmptyAfterReopen() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            long lsn = 0;
            while (-1 == log.sealedHalf())
            {
                append(log, payload, ++lsn, SMALL_MAX_PAYLOAD);
            }
            append(log, payload, ++lsn, 100);
            assertTrue(lsns(log).size() > 2);
            log.discardAll();
            assertEquals(0, lsns(log).size());
            assertEquals(-1, log.sealedHalf());
            append(log, payload, 1000, 100);
            log.device().awaitCompletion(log.device().lastTicket());
            assertEquals(List.of(1000L), lsns(log));
        }
        try (NvLog log = NvLog.open(small(file())))
        {
            assertTrue(log.recoveryReport().clean(), log.recoveryReport().toString());
            assertEquals(List.of(1000L), lsns(log), "only what was appended after the discard comes back");
        }
    }

    @Test
    void mirroredBytesAreStoredByteForByteAndCorruptOnesRefused() throws IOException
    {
        final UnsafeBuffer record = encodedWrite();
        final int length = new LogRecord().wrap(record, 0).alignedLength();
        try (NvLog log = NvLog.open(small(file())))
        {
            log.device().awaitCompletion(log.appendCopy(record, 0, length));
            final byte[] stored = new byte[length];
            log.forEach(r -> r.buffer().getBytes(r.offset(), stored));
            final byte[] sent = new byte[length];
            record.getBytes(0, sent);
            assertArrayEquals(sent, stored);

            record.putByte(LogRecord.HEADER_LENGTH + 5, (byte)0);
            final IllegalArgumentException torn = assertThrows(IllegalArgumentException.class,
                () -> log.appendCopy(record, 0, length));
            assertTrue(torn.getMessage().contains(file().toString()), torn.getMessage());
            assertThrows(IllegalArgumentException.class, () -> log.appendCopy(record, 0, length - 8));
            assertThrows(IllegalArgumentException.class, () -> log.appendCopy(record, 0, 10));
            assertEquals(1, lsns(log).size());
        }
    }

    @Test
    void aMirroredRecordIsStoredFromWhereverItLiesAndTheLogStillEndsAfterIt() throws IOException
    {
        // the secondary checks and stores a record where it arrived (an Aeron term, a direct buffer) without
        // copying it first; memory with neither a ByteBuffer nor an array behind it is copied, then checked
        final UnsafeBuffer encoded = encodedWrite();
        final int length = new LogRecord().wrap(encoded, 0).alignedLength();
        final ByteBuffer direct = ByteBuffer.allocateDirect(1024);
        final UnsafeBuffer inDirect = new UnsafeBuffer(direct);
        final UnsafeBuffer raw = new UnsafeBuffer(inDirect.addressOffset() + 512, 512);
        final byte[] sent = new byte[length];
        encoded.getBytes(0, sent);
        try (NvLog log = NvLog.open(small(file())))
        {
            log.device().awaitCompletion(log.appendCopy(encoded, 0, length));
            inDirect.putBytes(24, encoded, 0, length);
            log.device().awaitCompletion(log.appendCopy(inDirect, 24, length));
            raw.putBytes(0, encoded, 0, length);
            log.device().awaitCompletion(log.appendCopy(raw, 0, length));

            raw.putByte(LogRecord.HEADER_LENGTH + 5, (byte)0);
            assertThrows(IllegalArgumentException.class, () -> log.appendCopy(raw, 0, length));
            inDirect.putByte(24 + LogRecord.HEADER_LENGTH + 5, (byte)0);
            assertThrows(IllegalArgumentException.class, () -> log.appendCopy(inDirect, 24, length));
        }
        try (NvLog log = NvLog.open(small(file())))
        {
            final List<byte[]> stored = new ArrayList<>();
            log.forEach(r ->
            {
                final byte[] bytes = new byte[r.alignedLength()];
                r.buffer().getBytes(r.offset(), bytes);
                stored.add(bytes);
            });
            assertEquals(3, stored.size(), "three records, then the end: none of the refused ones");
            for (final byte[] bytes : stored)
            {
                assertArrayEquals(sent, bytes);
            }
        }
    }

    @Test
    void zeroRecordsCarryTheirLengthAndTheLastAppendIsReadableForMirroring() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            append(log, payload, 1, 100);
            final long ticket = log.appendZero(2, 1, 2, 1, 0, 8192, 1 << 20);
            assertTrue(ticket > 0);
            final LogRecord last = new LogRecord().wrap(log.device().view(), (int)log.lastAppendAddress());
            assertEquals(RecordType.ZERO, last.type());
            assertEquals(log.lastAppendLength(), last.alignedLength());
            assertEquals(1 << 20, last.buffer().getLong(last.payloadOffset(), ByteOrder.LITTLE_ENDIAN));
            assertTrue(last.crcMatches(new java.util.zip.CRC32C()));
            final List<Short> types = new ArrayList<>();
            log.forEachInStream(2, 0, record -> types.add(record.type()));
            assertEquals(List.of(RecordType.ZERO), types);
            assertThrows(IllegalArgumentException.class, () -> log.appendZero(2, 2, 3, 1, 0, 0, 0));
        }
        try (NvLog log = NvLog.open(small(file())))
        {
            assertEquals(2, log.recoveryReport().records());
        }
    }

    @Test
    void zeroLengthOversizedAndUnknownStreamWritesAreRefused() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            final IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> log.appendWrite(0, 1, 1, 1, 0, 0, payload, 0, 0));
            assertTrue(empty.getMessage().contains(file().toString()) && empty.getMessage().contains("not 0"),
                empty.getMessage());
            assertThrows(IllegalArgumentException.class,
                () -> log.appendWrite(0, 1, 1, 1, 0, 0, payload, 0, SMALL_MAX_PAYLOAD + 1));
            assertThrows(IllegalArgumentException.class, () -> log.appendWrite(8, 1, 1, 1, 0, 0, payload, 0, 10));
            assertEquals(0, lsns(log).size());
        }
    }

    @Test
    void aLogOfAnotherClusterIsRefusedAndLeftUnchanged() throws IOException
    {
        try (NvLog log = NvLog.open(small(file()).clusterId(1)))
        {
            append(log, payload, 1, 10);
        }
        final byte[] before = Files.readAllBytes(file());
        final NvLogFormatException ex = assertThrows(NvLogFormatException.class,
            () -> NvLog.open(small(file()).clusterId(2)));
        assertTrue(ex.getMessage().contains(file().toString()) && ex.getMessage().contains("cluster"), ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void anOlderFormatVersionIsRefusedAndLeftUnchanged() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            append(log, payload, 1, 10);
        }
        rewriteHeaderInt(LogHeader.VERSION_OFFSET, 0, true);
        final byte[] before = Files.readAllBytes(file());
        final NvLogFormatException ex = assertThrows(NvLogFormatException.class, () -> NvLog.open(small(file())));
        assertTrue(ex.getMessage().contains("version 0"), ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void aDeviceHoldingSomethingElseIsRefusedAndLeftUnchanged() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            append(log, payload, 1, 10);
        }
        rewriteHeaderInt(LogHeader.MAGIC_OFFSET, 0x12345678, false);
        final byte[] before = Files.readAllBytes(file());
        final NvLogFormatException ex = assertThrows(NvLogFormatException.class, () -> NvLog.open(small(file())));
        assertTrue(ex.getMessage().contains("not an NVLog"), ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));

        rewriteHeaderInt(LogHeader.MAGIC_OFFSET, 0, false);
        rewriteHeaderInt(LogHeader.MAGIC_OFFSET + 4, 0, false);
        rewriteHeaderInt(LogHeader.CLUSTER_ID_OFFSET, 0, false);
        // the header is damaged, not blank: the rest of it is still there
        assertThrows(NvLogFormatException.class, () -> NvLog.open(small(file())));
    }

    @Test
    void aBlankDeviceIsRefusedWhenFormattingIsOff() throws IOException
    {
        final NvLogFormatException ex = assertThrows(NvLogFormatException.class,
            () -> NvLog.open(small(file()).formatIfBlank(false)));
        assertTrue(ex.getMessage().contains("holds no NVLog"), ex.getMessage());
    }

    @Test
    void aDeviceFileOfTheWrongSizeIsRefusedAndLeftUnchanged() throws IOException
    {
        try (NvLog log = NvLog.open(small(file())))
        {
            append(log, payload, 1, 10);
        }
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() - 512);
        }
        final byte[] before = Files.readAllBytes(file());
        final StagingFormatException ex = assertThrows(StagingFormatException.class, () -> NvLog.open(small(file())));
        assertTrue(ex.getMessage().contains(file().toString()) && ex.getMessage().contains("truncated"),
            ex.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file()));
    }

    @Test
    void aDeviceTooSmallForTheLargestRecordIsRefused()
    {
        final NvLogContext ctx = new NvLogContext().maxPayloadLength(1 << 20)
            .nvram(new NvramContext().file(file()).capacity(16 * 1024).blockSize(512).regionSize(4096));
        final NvLogFormatException ex = assertThrows(NvLogFormatException.class, () -> NvLog.open(ctx));
        assertTrue(ex.getMessage().contains("halves of at least"), ex.getMessage());
    }

    /**
     * @return a sealed WRITE record of 100 bytes (LSN 77), as the primary mirrors one.
     */
    private static UnsafeBuffer encodedWrite()
    {
        final UnsafeBuffer record = new UnsafeBuffer(new byte[512]);
        final LogRecord encoder = new LogRecord().wrap(record, 0).header(RecordType.WRITE, (short)0, 2, 9, 77, 3, 1,
            8192, 100);
        TestLogs.fillPayload(new UnsafeBuffer(record, LogRecord.HEADER_LENGTH, 100), 77, 100);
        encoder.seal(new java.util.zip.CRC32C());
        return record;
    }

    private void rewriteHeaderInt(final int offset, final int value, final boolean fixCrc) throws IOException
    {
        final int fileOffset = 512; // the NVRAM device's own header block comes first
        try (FileChannel channel = FileChannel.open(file(), StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer header = ByteBuffer.allocate(LogHeader.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(header, fileOffset);
            header.putInt(offset, value);
            if (fixCrc)
            {
                final UnsafeBuffer view = new UnsafeBuffer(header);
                header.putInt(LogHeader.CRC_OFFSET, new LogHeader().wrap(view).computeCrc());
            }
            header.clear();
            channel.write(header, fileOffset);
        }
    }
}
