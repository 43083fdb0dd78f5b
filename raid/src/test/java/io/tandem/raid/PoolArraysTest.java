package io.tandem.raid;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolArraysTest
{
    private static final long BLOCKS = 2048; // 8 MiB

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"raid5:4+1spare", "raid10:2x2", "raid1[raid5:3,raid5:3]", "raid6:4", "raid0:3"})
    void aLayoutIsMadeOnceThenAssembledFromItsFilesWithItsData(final String layout) throws IOException
    {
        final ArraySpec spec = ArraySpec.parse(layout);
        final byte[] data = new byte[(int)BLOCKS * 4096];
        new Random(layout.hashCode()).nextBytes(data);
        final PoolArrays made = PoolArrays.open(dir, spec, 4096, 16, BLOCKS, 42, ArrayListener.NONE, Map.of());
        assertTrue(made.array().blockCount() >= BLOCKS);
        assertEquals(spec.deviceCount(), made.deviceNames().size());
        made.array().write(0, ByteBuffer.wrap(data));
        made.close();
        try (var files = Files.list(dir))
        {
            assertEquals(spec.deviceCount(), files.count());
        }

        final PoolArrays again = PoolArrays.open(dir, spec, 4096, 16, BLOCKS, 42, ArrayListener.NONE, Map.of());
        final byte[] read = new byte[data.length];
        again.array().read(0, ByteBuffer.wrap(read));
        assertArrayEquals(data, read);
        assertFalse(again.array().degraded());
        if (spec.level() != RaidLevel.RAID0)
        {
            // lose the first member file: the layout's redundancy carries it
            again.device(again.deviceNames().get(0)).dead(true);
            again.array().read(0, ByteBuffer.wrap(read));
            assertArrayEquals(data, read);
        }
        again.close();
    }

    @org.junit.jupiter.api.Test
    void membersMayLieOutsideThePoolsDirectory() throws IOException
    {
        final Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        final Path pool = Files.createDirectories(dir.resolve("pool"));
        final java.util.Map<String, Path> locations = java.util.Map.of("disk-1.img", elsewhere.resolve("m1.img"));
        final ArraySpec spec = ArraySpec.parse("raid1:2");
        final byte[] data = new byte[(int)BLOCKS * 4096];
        new Random(5).nextBytes(data);
        final PoolArrays made = PoolArrays.open(pool, spec, 4096, 16, BLOCKS, 7, ArrayListener.NONE, locations);
        made.array().write(0, ByteBuffer.wrap(data));
        made.close();
        assertTrue(Files.exists(elsewhere.resolve("m1.img")));
        assertFalse(Files.exists(pool.resolve("disk-1.img")));
        final PoolArrays again = PoolArrays.open(pool, spec, 4096, 16, BLOCKS, 7, ArrayListener.NONE, locations);
        again.device("disk-0.img").dead(true);
        final byte[] read = new byte[data.length];
        again.array().read(0, ByteBuffer.wrap(read));
        assertArrayEquals(data, read);
        again.close();
    }
}
