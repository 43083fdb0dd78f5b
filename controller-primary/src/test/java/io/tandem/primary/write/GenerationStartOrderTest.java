package io.tandem.primary.write;

import io.tandem.interconnect.MirrorSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A resync's new mirror session opens its generation with one GENERATION_START per stream, sent ahead of every
 * queued write. The simulator's seed 21 (before the fix): a write logged but not yet mirrored when the session
 * changed was numbered first in the new session, the marker of its stream second, and the sender refused the
 * marker (expects 1, got 2) on every duty cycle, so the primary never left SYNCING.
 */
class GenerationStartOrderTest
{
    @TempDir
    Path dir;

    @Test
    void aWriteLoggedBeforeTheSessionChangedGoesOutAfterItsStreamsGenerationStart() throws Exception
    {
        try (WritePathParts parts = new WritePathParts(dir))
        {
            final WritePath writePath = new WritePath(parts.log, parts.sender(1), parts.cache, why -> {},
                () -> parts.nowNs, 16, 1, 1, (token, status, context) -> {});
            // a write is logged, and cannot be mirrored: no path
            writePath.write(1, 0, ByteBuffer.wrap(new byte[WritePathParts.PAGE]), null);
            for (int i = 0; i < 10; i++)
            {
                parts.step(writePath);
            }
            assertEquals("no interconnect path", writePath.stalledOn());

            // the resync: a new session, then its generation
            writePath.hold(true);
            final MirrorSender session = parts.sender(2);
            writePath.mirrorTo(session, 2);
            writePath.startGeneration(2);
            for (int i = 0; i < 10; i++)
            {
                parts.step(writePath); // threw IllegalArgumentException: stream s expects sequence 1, got 2
            }
            assertEquals("no interconnect path", writePath.stalledOn(), "waiting for a path, not refused");
        }
    }
}
