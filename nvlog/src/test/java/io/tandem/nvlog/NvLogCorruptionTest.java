package io.tandem.nvlog;

import io.tandem.staging.NvramContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damages a small log at every byte it has written, one byte at a time, and cuts it at every offset, then
 * checks what the recovery scan makes of it: it keeps exactly the records before the damage, never a damaged
 * one, and reports a drop whenever it refused bytes.
 */
class NvLogCorruptionTest
{
    private static final int CAPACITY = 8192;
    private static final int BLOCK = 512;
    private static final int MAX_PAYLOAD = 256;

    @TempDir
    Path dir;

    private Path file;
    private byte[] pristine;
    private final List<Structure> structures = new ArrayList<>();
    private final List<Long> allLsns = new ArrayList<>();
    private long writtenEnd;

    /** A record, start record or padding at a device address, in the order the scan meets them. */
    private record Structure(int half, long address, int length, short type, long lsn)
    {
        boolean contains(final long at)
        {
            return at >= address && at < address + length;
        }
    }

    private NvLogContext tiny()
    {
        return new NvLogContext().maxPayloadLength(MAX_PAYLOAD)
            .nvram(new NvramContext().file(file).capacity(CAPACITY).blockSize(BLOCK).regionSize(4096)
                .useAgentInvoker(true));
    }

    /**
     * A log whose half 0 is sealed and whose half 1 holds a few records.
     */
    @BeforeEach
    void writeLog() throws IOException
    {
        file = dir.resolve("tiny.dev");
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[MAX_PAYLOAD]);
        try (NvLog log = NvLog.open(tiny()))
        {
            long lsn = 0;
            while (-1 == log.sealedHalf())
            {
                TestLogs.append(log, payload, ++lsn, 200);
            }
            for (int i = 0; i < 4; i++)
            {
                TestLogs.append(log, payload, ++lsn, 200);
            }
        }
        pristine = Files.readAllBytes(file);
        final UnsafeBuffer device = new UnsafeBuffer(pristine, BLOCK, CAPACITY);
        final LogRecord record = new LogRecord();
        final long halfLength = (CAPACITY - LogHeader.REGION_LENGTH) / 2;
        for (int half = 0; half < 2; half++)
        {
            long at = LogHeader.REGION_LENGTH + half * halfLength;
            while (0 != device.getLong((int)at, ByteOrder.LITTLE_ENDIAN))
            {
                record.wrap(device, (int)at);
                structures.add(new Structure(half, at, record.alignedLength(), record.type(), record.lsn()));
                if (RecordType.WRITE == record.type())
                {
                    allLsns.add(record.lsn());
                }
                at += record.alignedLength();
                if (RecordType.PADDING == record.type())
                {
                    break;
                }
            }
            writtenEnd = at + 8; // the end marker of the active half
        }
        assertEquals(RecordType.PADDING, structures.stream().filter(s -> 0 == s.half).reduce((a, b) -> b)
            .orElseThrow().type(), "half 0 is sealed");
        assertTrue(allLsns.size() > 10, "the fixture has records in both halves");
    }

    @Test
    void aFlippedByteAnywhereDropsExactlyTheDamagedRecordAndWhatFollowsItInItsHalf() throws IOException
    {
        int checked = 0;
        for (final Structure damaged : structures)
        {
            for (long at = damaged.address; at < damaged.address + damaged.length; at++)
            {
                final byte[] bytes = pristine.clone();
                bytes[BLOCK + (int)at] ^= 0x5A;
                final RecoveryReport report = reopen(bytes, at);
                final List<Long> expected = new ArrayList<>();
                for (final Structure s : structures)
                {
                    final boolean lostWithTheDamage = s.half == damaged.half && (s.address >= damaged.address ||
                        RecordType.HALF_START == damaged.type);
                    if (RecordType.WRITE == s.type && !lostWithTheDamage)
                    {
                        expected.add(s.lsn);
                    }
                }
                assertEquals(expected, recovered, "flip at " + at + " in " + damaged + ": " + report);
                assertTrue(report.droppedBytes() > 0, "flip at " + at + " in " + damaged + " not reported: " + report);
                checked++;
            }
        }
        // and the end marker of the active half
        for (long at = writtenEnd - 8; at < writtenEnd; at++)
        {
            final byte[] bytes = pristine.clone();
            bytes[BLOCK + (int)at] ^= 0x5A;
            final RecoveryReport report = reopen(bytes, at);
            assertEquals(allLsns, recovered, "flip in the end marker at " + at);
            assertTrue(report.droppedBytes() > 0, "flip in the end marker at " + at + ": " + report);
            checked++;
        }
        assertTrue(checked > 1000, "checked " + checked + " offsets");
    }

    @Test
    void aLogCutAtAnyOffsetKeepsEveryWholeRecordBeforeTheCutAndReportsATornOne() throws IOException
    {
        for (long cut = LogHeader.REGION_LENGTH; cut <= writtenEnd; cut++)
        {
            final byte[] bytes = pristine.clone();
            Arrays.fill(bytes, BLOCK + (int)cut, bytes.length, (byte)0);
            final long firstLost = firstNonZero(pristine, cut);
            final RecoveryReport report = reopen(bytes, cut);
            final List<Long> expected = new ArrayList<>();
            Structure torn = null;
            for (final Structure s : structures)
            {
                if (s.contains(firstLost))
                {
                    torn = s;
                }
                if (RecordType.WRITE == s.type && s.address + s.length <= cut)
                {
                    expected.add(s.lsn);
                }
                else if (RecordType.WRITE == s.type && firstLost >= s.address + s.length)
                {
                    expected.add(s.lsn); // the cut fell in zero bytes after the record: it is whole
                }
            }
            if (null != torn && RecordType.HALF_START == torn.type && torn.address != firstLost)
            {
                final int half = torn.half;
                expected.removeIf(lsn -> structures.stream().anyMatch(s -> s.lsn == lsn && s.half == half &&
                    RecordType.WRITE == s.type));
            }
            assertEquals(expected, recovered, "cut at " + cut + ": " + report);
            final boolean tornInside = null != torn && torn.address != firstLost;
            assertEquals(tornInside, report.droppedBytes() > 0, "cut at " + cut + ", first lost byte " + firstLost +
                " in " + torn + ": " + report);
        }
    }

    private final List<Long> recovered = new ArrayList<>();

    private RecoveryReport reopen(final byte[] bytes, final long damagedAt) throws IOException
    {
        Files.write(file, bytes);
        recovered.clear();
        try (NvLog log = NvLog.open(tiny()))
        {
            log.forEach(record ->
            {
                if (!TestLogs.payloadMatches(record))
                {
                    throw new AssertionError("damage at " + damagedAt + ": the scan returned a bad record " + record);
                }
                recovered.add(record.lsn());
            });
            return log.recoveryReport();
        }
    }

    private static long firstNonZero(final byte[] bytes, final long from)
    {
        for (int i = BLOCK + (int)from; i < bytes.length; i++)
        {
            if (0 != bytes[i])
            {
                return i - BLOCK;
            }
        }
        return Long.MAX_VALUE;
    }
}
