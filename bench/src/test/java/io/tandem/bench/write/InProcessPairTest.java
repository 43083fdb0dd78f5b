package io.tandem.bench.write;

import io.tandem.staging.Durability;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's pair completes every write, mirrored or not, through many fills of its NVLogs (4 MiB here:
 * each half fills and is released many times over), and never completes a write before the log holds it.
 */
class InProcessPairTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void everyWriteCompletesThroughManyFillsOfBothLogs(final boolean mirrored) throws Exception
    {
        try (InProcessPair pair = new InProcessPair(dir, 16L << 20, 4L << 20, 2, Durability.PROCESS, mirrored))
        {
            final ByteBuffer small = ByteBuffer.allocateDirect(4096);
            final ByteBuffer large = ByteBuffer.allocateDirect(65536);
            long token = 0;
            for (int i = 0; i < 3000; i++)
            {
                final ByteBuffer src = 0 == i % 10 ? large : small;
                src.clear();
                final long before = pair.completed();
                pair.write(token++, (i * 7919L % 256) * 65536, src);
                assertEquals(before, pair.completed(), "a write completes in a step, not when submitted");
                int steps = 0;
                while (pair.completed() < token && steps++ < 100_000)
                {
                    pair.step();
                }
                assertEquals(token, pair.completed(), "write " + i + " completed");
            }
            assertEquals(0, pair.failed());
            if (mirrored)
            {
                assertTrue(pair.recordsMirrored() >= 3000, "the secondary stored " + pair.recordsMirrored());
            }
            else
            {
                assertEquals(0, pair.recordsMirrored());
            }
            assertTrue(3000L * 4096 > 4L << 20, "the writes filled the logs several times over");
        }
    }
}
