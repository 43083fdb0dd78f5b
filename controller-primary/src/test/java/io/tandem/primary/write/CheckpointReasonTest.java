package io.tandem.primary.write;

import io.tandem.primary.cache.ConsistencyPoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write path says, typed, why it needs a consistency point: once it said "cache full" in a string nobody read,
 * and the CP it caused was recorded as started for a full log half.
 */
class CheckpointReasonTest
{
    @TempDir
    Path dir;

    @Test
    void aWriteThatFindsNoCleanPageAsksForACheckpointBecauseOfTheCache() throws Exception
    {
        final List<ConsistencyPoint.Reason> asked = new ArrayList<>();
        try (WritePathParts parts = new WritePathParts(dir))
        {
            final WritePath writePath = new WritePath(parts.log, parts.sender(1), parts.cache, asked::add,
                () -> parts.nowNs, 64, 1, 1, (token, status, context) -> {});
            writePath.runWithoutMirror(1); // writes complete on the local log alone: only the cache can hold them
            for (int page = 0; page <= 16; page++) // the cache holds 16 pages; the log far more 512-byte records
            {
                writePath.write(page, (long)page * WritePathParts.PAGE, ByteBuffer.wrap(new byte[512]), null);
                for (int step = 0; step < 4; step++)
                {
                    writePath.doWork(parts.nowNs);
                    parts.log.device().invoker().invoke();
                }
            }
            assertTrue(!asked.isEmpty(), "the 17th page found the cache full");
            assertEquals(ConsistencyPoint.Reason.CACHE_FULL, asked.get(0));
            assertTrue(asked.stream().allMatch(ConsistencyPoint.Reason.CACHE_FULL::equals), asked.toString());
        }
    }
}
