package io.tandem.secondary;

import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.nvlog.NvLogContext;
import io.tandem.staging.NvramContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secondary's mirror store at the start of a mirror generation: it empties the log, records the
 * generation once every stream's start is stored, and first keeps a former primary's records when they may be
 * the last copy of acknowledged writes.
 */
class MirrorStoreTest
{
    private static final int STREAMS = 2;

    @TempDir
    Path dir;

    private NvLog open() throws Exception
    {
        return NvLog.open(new NvLogContext().streamCount(STREAMS).stripeSize(4096).maxPayloadLength(4096)
            .nvram(new NvramContext().file(dir.resolve("nvram.dev")).capacity(1 << 20).blockSize(512)
                .regionSize(4096).useAgentInvoker(true)));
    }

    private static UnsafeBuffer generationStart(final int stream, final long generation)
    {
        final UnsafeBuffer bytes = new UnsafeBuffer(new byte[LogRecord.alignedLength(0)]);
        final LogRecord record = new LogRecord().wrap(bytes, 0);
        record.header(io.tandem.nvlog.RecordType.GENERATION_START, (short)0, stream, 1, 0, generation, 0, 0, 0);
        record.seal(new CRC32C());
        return bytes;
    }

    @Test
    void aNewGenerationKeepsTheRecordsOfALogThatAcknowledgedWritesAloneThenEmptiesIt() throws Exception
    {
        try (NvLog log = open())
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[512]);
            for (int i = 0; i < 5; i++)
            {
                log.appendWrite(i % STREAMS, 1 + i / STREAMS, 100 + i, 3, 0, (long)i * 4096, payload, 0, 512);
            }
            log.device().awaitCompletion(log.recordAckedAlone(3));

            final MirrorStore store = new MirrorStore(log, 64, new KeptLog(dir, null), () -> 42_000);
            final UnsafeBuffer first = generationStart(0, 7);
            assertTrue(store.onRecord(0, 1, first, 0, first.capacity()));

            final List<Path> kept;
            try (Stream<Path> files = Files.list(dir.resolve("kept")))
            {
                kept = files.collect(Collectors.toList());
            }
            assertEquals(1, kept.size(), kept.toString());
            assertEquals("nvlog-epoch-3-42000.records", kept.get(0).getFileName().toString());
            assertEquals(5L * LogRecord.alignedLength(512), Files.size(kept.get(0)), "every record, byte for byte");
            assertEquals(0, log.ackedAloneEpoch());
            assertEquals(0, log.forEachInStream(0, Long.MIN_VALUE, r -> { }), "the old records are gone");
            assertEquals(0, store.heldGeneration(), "not every stream's start is here yet");

            final UnsafeBuffer second = generationStart(1, 7);
            assertTrue(store.onRecord(1, 1, second, 0, second.capacity()));
            log.device().awaitCompletion(log.device().lastTicket());
            assertEquals(7, log.heldGeneration());
        }
    }

    @Test
    void aMirrorLogIsEmptiedWithoutKeepingAnything() throws Exception
    {
        try (NvLog log = open())
        {
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[512]);
            log.appendWrite(0, 1, 100, 3, 0, 0, payload, 0, 512);
            final MirrorStore store = new MirrorStore(log, 64, new KeptLog(dir, null), () -> 42_000);
            final UnsafeBuffer first = generationStart(0, 7);
            assertTrue(store.onRecord(0, 1, first, 0, first.capacity()));
            assertTrue(Files.notExists(dir.resolve("kept")));
            assertEquals(0, log.forEachInStream(0, Long.MIN_VALUE, r -> { }));
        }
    }
}
