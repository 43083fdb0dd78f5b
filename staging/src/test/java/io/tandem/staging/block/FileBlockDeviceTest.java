package io.tandem.staging.block;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileBlockDeviceTest
{
    @TempDir
    Path dir;

    @Test
    void blocksWrittenReadBackAfterReopen() throws IOException
    {
        final Path file = dir.resolve("disk0.img");
        final byte[] two = new byte[2 * 4096];
        for (int i = 0; i < two.length; i++)
        {
            two[i] = (byte)(i * 31);
        }
        try (FileBlockDevice disk = FileBlockDevice.open(file, 4096, 1024, true))
        {
            assertEquals(4096L * 1024, Files.size(file));
            disk.write(1022, ByteBuffer.wrap(two));
            disk.flush();
        }
        try (FileBlockDevice disk = FileBlockDevice.open(file, 4096, 1024, false))
        {
            final ByteBuffer readBack = ByteBuffer.allocate(two.length);
            disk.read(1022, readBack);
            assertArrayEquals(two, readBack.array());
            final ByteBuffer untouched = ByteBuffer.allocate(4096);
            disk.read(0, untouched);
            assertArrayEquals(new byte[4096], untouched.array());
        }
    }

    /**
     * A gathering write puts the buffers one after the other from its block, and leaves positional writes from
     * other threads alone: the channel's position is its own, and gathering writes take turns with each other.
     */
    @Test
    void aGatheringWriteWritesItsBuffersInOrderBesidePositionalWrites() throws Exception
    {
        final int blocks = 256;
        try (FileBlockDevice disk = FileBlockDevice.open(dir.resolve("g.img"), 512, blocks, true))
        {
            final ByteBuffer memory = ByteBuffer.allocateDirect(8 * 512);
            for (int i = 0; i < memory.capacity(); i++)
            {
                memory.put(i, (byte)(i / 512 + 1));
            }
            final Thread positional = new Thread(() ->
            {
                try
                {
                    for (int round = 0; round < 200; round++)
                    {
                        disk.write(blocks - 1 - round % 64, ByteBuffer.allocate(512));
                    }
                }
                catch (final IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            positional.start();
            for (int round = 0; round < 200; round++)
            {
                // blocks 7, 2 and 5 of the memory, in that order, at block round % 100
                final ByteBuffer[] srcs = { null, view(memory, 7), view(memory, 2), view(memory, 5) };
                assertTrue(disk.writeGathered(round % 100, srcs, 1, 3));
                assertEquals(0, srcs[1].remaining() + srcs[2].remaining() + srcs[3].remaining());
            }
            positional.join();
            final ByteBuffer read = ByteBuffer.allocate(3 * 512);
            disk.read(99, read);
            for (int i = 0; i < read.capacity(); i++)
            {
                assertEquals(new byte[] { 8, 3, 6 }[i / 512], read.get(i), "byte " + i);
            }
            assertThrows(IllegalArgumentException.class,
                () -> disk.writeGathered(blocks - 1, new ByteBuffer[] { view(memory, 0), view(memory, 1) }, 0, 2));
        }
    }

    private static ByteBuffer view(final ByteBuffer memory, final int block)
    {
        return memory.duplicate().position(block * 512).limit((block + 1) * 512);
    }

    /**
     * Both controllers of a pair open the pool as they start, and either may create its volume file: once, the one
     * that found the file missing a moment after the other created it failed to start ("cannot start controller 0:
     * .../volume-0.img", the file already existed), and one that opens it while the other sizes it would find it of
     * the wrong size. Every opener gets the one whole file.
     */
    @Test
    void openersRacingToCreateTheFileAllOpenTheSameWholeFile() throws Exception
    {
        final int openers = 4;
        for (int round = 0; round < 50; round++)
        {
            final Path file = dir.resolve("race-" + round + ".img");
            final java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(openers);
            final java.util.concurrent.ExecutorService threads =
                java.util.concurrent.Executors.newFixedThreadPool(openers);
            try
            {
                final java.util.List<java.util.concurrent.Future<FileBlockDevice>> opened = new java.util.ArrayList<>();
                for (int i = 0; i < openers; i++)
                {
                    opened.add(threads.submit(() ->
                    {
                        start.await();
                        return FileBlockDevice.open(file, 4096, 256, true);
                    }));
                }
                final FileBlockDevice first = opened.get(0).get();
                final byte[] block = new byte[4096];
                java.util.Arrays.fill(block, (byte)round);
                first.write(255, ByteBuffer.wrap(block));
                for (final java.util.concurrent.Future<FileBlockDevice> other : opened)
                {
                    try (FileBlockDevice disk = other.get())
                    {
                        final ByteBuffer read = ByteBuffer.allocate(4096);
                        disk.read(255, read);
                        assertArrayEquals(block, read.array(), "round " + round + ": another file");
                    }
                }
            }
            finally
            {
                threads.shutdownNow();
            }
            try (java.util.stream.Stream<Path> left = Files.list(dir))
            {
                assertEquals(java.util.List.of(), left.filter(p -> p.getFileName().toString().contains(".new"))
                    .collect(java.util.stream.Collectors.toList()), "temporary files left");
            }
        }
    }

    @Test
    void refusesRangesOutsideTheDeviceAndPartialBlocks() throws IOException
    {
        try (FileBlockDevice disk = FileBlockDevice.open(dir.resolve("d.img"), 512, 8, true))
        {
            assertThrows(IllegalArgumentException.class, () -> disk.write(7, ByteBuffer.allocate(1024)));
            assertThrows(IllegalArgumentException.class, () -> disk.read(-1, ByteBuffer.allocate(512)));
            assertThrows(IllegalArgumentException.class, () -> disk.write(0, ByteBuffer.allocate(100)));
        }
    }

    @Test
    void fileOfAnotherSizeIsRefusedAndUnchanged() throws IOException
    {
        final Path file = dir.resolve("odd.img");
        Files.write(file, new byte[5000]);
        final IOException ex = assertThrows(IOException.class, () -> FileBlockDevice.open(file, 4096, 2, true));
        assertTrue(ex.getMessage().contains(file.toString()) && ex.getMessage().contains("5000"), ex.getMessage());
        assertEquals(5000, Files.size(file));

        final Path missing = dir.resolve("missing.img");
        assertThrows(IOException.class, () -> FileBlockDevice.open(missing, 4096, 2, false));
        assertTrue(Files.notExists(missing));
    }
}
