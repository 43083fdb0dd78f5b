package io.tandem.staging;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NvramDeviceTest
{
    private static final int CAPACITY = 64 * 1024;
    private static final int REGION = 4096;

    @TempDir
    Path dir;

    private NvramContext smallDevice()
    {
        return new NvramContext()
            .file(dir.resolve("nvram.dev"))
            .capacity(CAPACITY)
            .blockSize(512)
            .regionSize(REGION)
            .useAgentInvoker(true);
    }

    @Test
    void bytesWrittenAtAnyAddressReadBackAndSurviveReopen() throws IOException
    {
        final Random random = new Random(42);
        final byte[] expected = new byte[CAPACITY];
        try (NvramDevice device = NvramDevice.open(smallDevice()))
        {
            for (int i = 0; i < 500; i++)
            {
                final int length = 1 + random.nextInt(3 * REGION);
                final int address = random.nextInt(CAPACITY - length + 1);
                final byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                System.arraycopy(bytes, 0, expected, address, length);
                final long ticket = device.write(address, new UnsafeBuffer(bytes), 0, length);
                if (i % 7 == 0)
                {
                    device.awaitCompletion(ticket);
                }
            }
            assertArrayEquals(expected, readAll(device));
        }
        try (NvramDevice device = NvramDevice.open(smallDevice()))
        {
            assertArrayEquals(expected, readAll(device));
        }
    }

    @Test
    void ticketsIncreaseInArrivalOrderAndCompleteInOrder() throws IOException
    {
        final List<Long> completions = new ArrayList<>();
        try (NvramDevice device = NvramDevice.open(smallDevice().completionHandler(completions::add)))
        {
            final UnsafeBuffer one = new UnsafeBuffer(new byte[10]);
            assertEquals(1, device.write(0, one, 0, 10));
            assertEquals(2, device.write(100, one, 0, 10));
            assertEquals(3, device.write(5000, one, 0, 10));
            assertEquals(0, device.completedTicket());
            assertFalse(device.isComplete(1));

            device.invoker().invoke();
            assertEquals(3, device.completedTicket());
            assertEquals(4, device.write(200, one, 0, 10));
            device.invoker().invoke();
            assertEquals(List.of(3L, 4L), completions);
            assertEquals(4, device.writes());
            assertEquals(40, device.bytesWritten());
        }
    }

    @Test
    void aClaimedWriteIsPutInPlaceAndPersistsOnceItIsPublishedAndTwoBuffersGoAsOneWrite() throws IOException
    {
        try (NvramDevice device = NvramDevice.open(smallDevice().maxPendingWrites(2)))
        {
            final long claimed = device.claim(300, 6);
            assertEquals(1, claimed);
            device.claimedArea().putBytes(300, new byte[] { 9, 8, 7, 6, 5, 4 });
            device.invoker().invoke();
            assertEquals(0, device.completedTicket(), "a claim not yet published is not written");
            assertEquals(2, device.write(400, new UnsafeBuffer(new byte[] { 1, 2 }), 0, 2,
                new UnsafeBuffer(new byte[] { 3, 4, 5 }), 1, 2));
            assertEquals(NvramDevice.BACK_PRESSURED, device.claim(500, 4), "claims count against the queue");
            device.invoker().invoke();
            assertEquals(0, device.completedTicket(), "nothing after the open claim is written either");

            device.publish(claimed, 300, 6);
            device.invoker().invoke();
            assertEquals(2, device.completedTicket());
        }
        try (NvramDevice device = NvramDevice.open(smallDevice()))
        {
            final UnsafeBuffer readBack = new UnsafeBuffer(new byte[10]);
            device.read(300, readBack, 0, 6);
            device.read(400, readBack, 6, 4);
            assertArrayEquals(new byte[] { 9, 8, 7, 6, 5, 4, 1, 2, 4, 5 }, readBack.byteArray());
        }
    }

    @Test
    void backPressureRefusesTheWriteAndLosesNothing() throws IOException
    {
        try (NvramDevice device = NvramDevice.open(smallDevice().maxPendingWrites(4)))
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[] { 1, 2, 3, 4 });
            for (int i = 0; i < 4; i++)
            {
                assertEquals(i + 1, device.write(i * 4L, bytes, 0, 4));
            }
            assertEquals(NvramDevice.BACK_PRESSURED, device.write(1000, bytes, 0, 4));
            final UnsafeBuffer readBack = new UnsafeBuffer(new byte[4]);
            device.read(1000, readBack, 0, 4);
            assertArrayEquals(new byte[4], readBack.byteArray(), "a refused write must not reach the staging area");

            device.invoker().invoke();
            assertEquals(5, device.write(1000, bytes, 0, 4));
            device.awaitCompletion(5);
        }
        try (NvramDevice device = NvramDevice.open(smallDevice()))
        {
            final UnsafeBuffer readBack = new UnsafeBuffer(new byte[20]);
            device.read(0, readBack, 0, 16);
            device.read(1000, readBack, 16, 4);
            assertArrayEquals(new byte[] { 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4 },
                readBack.byteArray());
        }
    }

    @Test
    void closePersistsEveryQueuedWrite() throws IOException
    {
        final byte[] bytes = new byte[3000];
        Arrays.fill(bytes, (byte)0x5A);
        try (NvramDevice device = NvramDevice.open(smallDevice()))
        {
            device.write(777, new UnsafeBuffer(bytes), 0, bytes.length);
            assertEquals(0, device.completedTicket());
        }
        try (NvramDevice device = NvramDevice.open(smallDevice()))
        {
            final UnsafeBuffer readBack = new UnsafeBuffer(new byte[bytes.length]);
            device.read(777, readBack, 0, bytes.length);
            assertArrayEquals(bytes, readBack.byteArray());
        }
    }

    @Test
    void powerSharesOneForceAmongQueuedWrites() throws IOException
    {
        try (NvramDevice device = NvramDevice.open(smallDevice().durability(Durability.POWER)))
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[100]);
            for (int i = 0; i < 100; i++)
            {
                device.write(i * 100L, bytes, 0, 100);
            }
            device.invoker().invoke();
            assertEquals(100, device.completedTicket());
            assertEquals(1, device.forces());
            assertEquals(1, device.groupCommits());
        }
    }

    @Test
    void groupCommitStopsAtMaxWrites() throws IOException
    {
        try (NvramDevice device = NvramDevice.open(smallDevice().durability(Durability.POWER).groupCommitMaxWrites(10)))
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[100]);
            for (int i = 0; i < 95; i++)
            {
                device.write(i * 100L, bytes, 0, 100);
            }
            device.invoker().invoke();
            assertEquals(10, device.completedTicket());
            device.awaitCompletion(95);
            assertEquals(10, device.forces());
        }
    }

    @Test
    void groupCommitWaitsForMoreWritesUntilTheDeadline() throws IOException
    {
        final long[] nowNs = { 0 };
        try (NvramDevice device = NvramDevice.open(smallDevice()
            .durability(Durability.POWER)
            .groupCommitMaxWaitNs(1_000)
            .nanoClock(() -> nowNs[0])))
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[100]);
            device.write(0, bytes, 0, 100);
            device.invoker().invoke();
            assertEquals(0, device.completedTicket(), "the batch waits for company");

            nowNs[0] = 500;
            device.write(100, bytes, 0, 100);
            device.invoker().invoke();
            assertEquals(0, device.completedTicket());

            nowNs[0] = 1_000;
            device.invoker().invoke();
            assertEquals(2, device.completedTicket());
            assertEquals(1, device.forces());
        }
    }

    @Test
    void concurrentWritersEachGetDistinctTicketsAndAllComplete() throws Exception
    {
        final int writers = 8;
        final int perWriter = 2048;
        final int recordLength = 4;
        final NvramContext ctx = new NvramContext()
            .file(dir.resolve("nvram.dev"))
            .capacity(writers * perWriter * recordLength)
            .blockSize(512)
            .regionSize(writers * perWriter * recordLength / 4)
            .maxPendingWrites(256);
        final long[][] tickets = new long[writers][perWriter];
        final AtomicReference<Throwable> error = new AtomicReference<>();
        try (NvramDevice device = NvramDevice.open(ctx))
        {
            final CountDownLatch start = new CountDownLatch(1);
            final Thread[] threads = new Thread[writers];
            for (int w = 0; w < writers; w++)
            {
                final int writer = w;
                threads[w] = new Thread(() ->
                {
                    try
                    {
                        final UnsafeBuffer record = new UnsafeBuffer(new byte[recordLength]);
                        start.await();
                        for (int i = 0; i < perWriter; i++)
                        {
                            record.putInt(0, writer * perWriter + i);
                            final long address = (long)(writer * perWriter + i) * recordLength;
                            long ticket;
                            while ((ticket = device.write(address, record, 0, recordLength)) < 0)
                            {
                                Thread.onSpinWait();
                            }
                            tickets[writer][i] = ticket;
                        }
                    }
                    catch (final Throwable t)
                    {
                        error.set(t);
                    }
                });
                threads[w].start();
            }
            start.countDown();
            for (final Thread t : threads)
            {
                t.join();
            }
            assertNull(error.get());
            final long total = (long)writers * perWriter;
            device.awaitCompletion(total);
            assertEquals(total, device.completedTicket());

            final long[] all = Arrays.stream(tickets).flatMapToLong(Arrays::stream).sorted().toArray();
            for (int i = 0; i < all.length; i++)
            {
                assertEquals(i + 1, all[i], "every ticket handed out exactly once");
            }
            for (int w = 0; w < writers; w++)
            {
                for (int i = 1; i < perWriter; i++)
                {
                    assertTrue(tickets[w][i] > tickets[w][i - 1], "a writer's tickets follow its arrival order");
                }
            }
        }
        try (NvramDevice device = NvramDevice.open(new NvramContext()
            .file(ctx.file()).capacity(ctx.capacity()).blockSize(512).regionSize(ctx.regionSize())))
        {
            for (int r = 0; r < writers * perWriter; r++)
            {
                assertEquals(r, device.view().getInt(r * recordLength));
            }
        }
    }

    @Test
    void rangeOutsideTheDeviceIsRefused() throws IOException
    {
        try (NvramDevice device = NvramDevice.open(smallDevice()))
        {
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[16]);
            assertThrows(IllegalArgumentException.class, () -> device.write(CAPACITY - 8, bytes, 0, 16));
            assertThrows(IllegalArgumentException.class, () -> device.write(-1, bytes, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> device.write(0, bytes, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> device.read(CAPACITY, bytes, 0, 1));
            assertEquals(0, device.lastTicket());
        }
    }

    @Test
    void closedDeviceRefusesWrites() throws IOException
    {
        final NvramDevice device = NvramDevice.open(smallDevice());
        device.close();
        assertThrows(IllegalStateException.class,
            () -> device.write(0, new UnsafeBuffer(new byte[1]), 0, 1));
    }

    @Test
    void contextRejectsBadSettings()
    {
        assertThrows(IllegalArgumentException.class, () -> new NvramContext().conclude());
        assertThrows(IllegalArgumentException.class, () -> smallDevice().capacity(1000).conclude());
        assertThrows(IllegalArgumentException.class, () -> smallDevice().blockSize(1000).conclude());
        assertThrows(IllegalArgumentException.class, () -> smallDevice().maxPendingWrites(3).conclude());
        assertThrows(IllegalArgumentException.class, () -> smallDevice().regionSize(100).conclude());
    }

    private static byte[] readAll(final NvramDevice device)
    {
        final byte[] bytes = new byte[(int)device.capacity()];
        device.read(0, new UnsafeBuffer(bytes), 0, bytes.length);
        return bytes;
    }
}
