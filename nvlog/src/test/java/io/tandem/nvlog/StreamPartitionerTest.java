package io.tandem.nvlog;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamPartitionerTest
{
    private final StreamPartitioner partitioner = new StreamPartitioner(8, 4096);

    @Test
    void everyByteOfAStripeIsInOneStream()
    {
        for (int volume = 0; volume < 3; volume++)
        {
            for (long stripe = 0; stripe < 64; stripe++)
            {
                final int stream = partitioner.streamOf(volume, stripe * 4096);
                assertEquals(stream, partitioner.streamOf(volume, stripe * 4096 + 1));
                assertEquals(stream, partitioner.streamOf(volume, stripe * 4096 + 4095));
                assertTrue(stream >= 0 && stream < 8);
            }
        }
    }

    @Test
    void sequentialStripesSpreadOverEveryStream()
    {
        final Set<Integer> streams = new HashSet<>();
        for (long stripe = 0; stripe < 8; stripe++)
        {
            streams.add(partitioner.streamOf(5, stripe * 4096));
        }
        assertEquals(8, streams.size());
    }

    @Test
    void aWriteSpanningStripesIsCutAtEachBoundary()
    {
        final long offset = 4096 - 100;
        final long length = 100 + 4096 + 50;
        assertEquals(3, partitioner.pieceCount(offset, length));
        long at = offset;
        final long end = offset + length;
        final int[] pieces = new int[3];
        int count = 0;
        while (at < end)
        {
            final int piece = partitioner.pieceLength(at, end - at);
            pieces[count++] = piece;
            at += piece;
        }
        assertEquals(3, count);
        assertEquals(100, pieces[0]);
        assertEquals(4096, pieces[1]);
        assertEquals(50, pieces[2]);
        assertEquals(1, partitioner.pieceCount(8192, 4096));
        assertEquals(2, partitioner.pieceCount(8192, 4097));
        assertEquals(0, partitioner.pieceCount(8192, 0));
        assertEquals(4096, partitioner.pieceLength(8192, 1 << 20));
    }

    @Test
    void badGeometryIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new StreamPartitioner(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> new StreamPartitioner(8, 1000));
        assertThrows(IllegalArgumentException.class, () -> partitioner.streamOf(0, -1));
    }
}
