package io.tandem.primary.write;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The write path makes only {@link WritePath#PREALLOCATED_REQUESTS} requests at its start (making every one of its
 * bound cost a fresh JVM's giveback 11-33 ms) and the rest as concurrency first needs them: every write up to the
 * bound is taken, the one past it refused.
 */
class RequestPoolGrowthTest
{
    @TempDir
    Path dir;

    @Test
    void requestsPastThePreallocatedOnesAreMadeUpToTheBoundAndNoFurther() throws Exception
    {
        final Map<WriteStatus, Integer> completed = new EnumMap<>(WriteStatus.class);
        try (WritePathParts parts = new WritePathParts(dir))
        {
            final int maxRequests = 600; // a bound of 1024 requests, past the 256 made at the start
            final WritePath writePath = new WritePath(parts.log, parts.sender(1), parts.cache, why -> {},
                () -> parts.nowNs, maxRequests, 1, 1,
                (token, status, context) -> completed.merge(status, 1, Integer::sum));
            writePath.hold(true); // nothing leaves the queue: every write keeps its request
            final int bound = Integer.highestOneBit(maxRequests * 2 - 1);
            assertTrue(bound > WritePath.PREALLOCATED_REQUESTS);
            for (int i = 0; i < bound; i++)
            {
                writePath.write(i, 0, ByteBuffer.wrap(new byte[WritePathParts.PAGE]), null);
            }
            assertEquals(Map.of(), completed, "every write up to the bound was taken");
            assertEquals(bound, writePath.pendingCount());

            writePath.write(bound, 0, ByteBuffer.wrap(new byte[WritePathParts.PAGE]), null);
            assertEquals(1, completed.size(), "one past the bound is refused: " + completed);
            assertEquals(bound, writePath.pendingCount());
        }
    }
}
