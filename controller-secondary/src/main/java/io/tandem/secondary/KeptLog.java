package io.tandem.secondary;

import io.tandem.nvlog.LogRecord;
import io.tandem.nvlog.NvLog;
import io.tandem.recovery.journal.EventJournal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * Keeps what a log holds before it is emptied, when it may hold the last copy of acknowledged writes: a former
 * primary that acknowledged writes without its mirror ({@link NvLog#ackedAloneEpoch()}) and was then taken over
 * by force rejoins as secondary with those writes in its NVLog, and the new primary's first mirror generation
 * would empty it. The records are written, byte for byte in the NVLog record format (each with its CRC32C),
 * to {@code kept/nvlog-epoch-<E>-<ms>.records} in the controller's directory, and the journal says so.
 * <p>
 * Not thread-safe: the secondary's agent calls it, once per such log.
 */
final class KeptLog
{
    private final Path dir;
    private final EventJournal journal;

    KeptLog(final Path controllerDir, final EventJournal journal)
    {
        this.dir = controllerDir.resolve("kept");
        this.journal = journal;
    }

    /**
     * Writes every record of {@code log} to a new file, and forces it.
     *
     * @return the file, or null if the log held no record.
     */
    Path keep(final NvLog log, final long nowMs)
    {
        final long epoch = log.ackedAloneEpoch();
        final long[] counts = new long[3];
        counts[1] = Long.MAX_VALUE;
        counts[2] = Long.MIN_VALUE;
        try
        {
            Files.createDirectories(dir);
            final Path file = dir.resolve("nvlog-epoch-" + epoch + "-" + nowMs + ".records");
            try (FileChannel out = FileChannel.open(file, CREATE_NEW, WRITE))
            {
                log.forEach(record ->
                {
                    write(out, record);
                    counts[0]++;
                    counts[1] = Math.min(counts[1], record.lsn());
                    counts[2] = Math.max(counts[2], record.lsn());
                });
                out.force(true);
            }
            if (0 == counts[0])
            {
                Files.delete(file);
                return null;
            }
            if (null != journal)
            {
                journal.note("secondary", "this controller acknowledged writes without its mirror in epoch " + epoch +
                    " and was taken over: kept the " + counts[0] + " records of its NVLog (LSN " + counts[1] +
                    " to " + counts[2] + ") in " + file + " before the new mirror generation empties it; the " +
                    "takeover replayed only what its own mirror held");
            }
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot keep the NVLog's records in " + dir, ex);
        }
    }

    private static void write(final FileChannel out, final LogRecord record)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(record.alignedLength());
        record.buffer().getBytes(record.offset(), bytes, record.alignedLength());
        bytes.flip();
        try
        {
            while (bytes.hasRemaining())
            {
                out.write(bytes);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
