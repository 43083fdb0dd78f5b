package io.tandem.cli.supervisor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassWarmupTest
{
    @Test
    void loadsEveryClassUnderAnAnchorsPackageFromADirectoryAndFromAJar()
    {
        // this module's classes come from a directory, HdrHistogram's from its jar
        final ClassWarmup warmup = new ClassWarmup(ClassWarmup.class, org.HdrHistogram.Histogram.class);
        warmup.run();
        assertEquals(0, warmup.failed());
        assertTrue(warmup.loaded() > 20, "loaded " + warmup.loaded());
        assertTrue(warmup.tookNs() > 0);
    }
}
