package io.tandem.cli.supervisor;

import io.tandem.controller.control.ControlClient;
import io.tandem.controller.pool.Pool;
import io.tandem.primary.PrimaryController;
import io.tandem.secondary.SecondaryController;
import io.tandem.staging.block.BlockDevice;
import io.tandem.staging.testing.ExternalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static io.tandem.cli.supervisor.PairFixture.await;
import static io.tandem.cli.supervisor.PairFixture.json;
import static io.tandem.cli.supervisor.PairFixture.statusValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mirrored pair in one JVM, driven by real clients: what qemu-io writes through the primary is acknowledged
 * only once the secondary holds it, reads back, survives a consistency point into the pool, and keeps flowing
 * while an interconnect path is pulled.
 */
class PairTest
{
    private static final int PORT_BASE = 25610;

    @TempDir
    Path dir;

    @Test
    void writesThroughThePrimaryAreMirroredAndReachThePoolAtACheckpoint() throws Exception
    {
        try (SecondaryController secondary = PairFixture.secondary(dir, PORT_BASE, System.out);
            PrimaryController primary = PairFixture.primary(dir, PORT_BASE, System.out))
        {
            await("the mirror session", 20, () -> primary.epoch() == secondary.sessionEpoch());
            await("both paths up", 20, () -> "up".equals(json(primary.statusJson()).path("path.0").asText()) &&
                "up".equals(json(primary.statusJson()).path("path.1").asText()));
            final String uri = "nbd://127.0.0.1:" + primary.nbdPort();
            ExternalProcess.run(dir, 60, "qemu-io", "-f", "raw", uri,
                "-c", "write -P 0xab 0 1M", "-c", "write -P 0x5c 3000000 70000", "-c", "read -P 0xab 0 1M",
                "-c", "read -P 0x5c 3000000 70000").assertSuccess();

            await("the status to show the writes", 5,
                () -> statusValue(primary.statusJson(), "writes.completed") >= 2);
            final long pieces = statusValue(primary.statusJson(), "lsn");
            assertTrue(pieces >= (1 << 20) / (16 * 1024) + 70000 / (16 * 1024), "a record per 16 KiB stripe");
            // the status is republished every 100 ms: wait for the one that shows the mirrored records
            await("the secondary's status to show every record", 5,
                () -> statusValue(secondary.statusJson(), "mirror.records") >= pieces);
            final String secondaryStatus = secondary.status();
            assertTrue(secondaryStatus.contains("takeover=no: the primary is alive on 2 path(s)"), secondaryStatus);

            // a start that replayed nothing takes no CP: count from what the status shows now
            final long cpsBefore = statusValue(primary.statusJson(), "cp.count");
            final String reply = ControlClient.send("127.0.0.1", primary.controlPort(), "cp", 5_000);
            assertTrue(reply.startsWith("OK"), reply);
            await("the checkpoint", 20, () -> statusValue(primary.statusJson(), "cp.count") > cpsBefore);
            assertTrue(statusValue(primary.statusJson(), "cp.lsn") >= statusValue(primary.statusJson(), "lsn"));
        }
        try (Pool pool = Pool.open(new io.tandem.controller.pool.PoolContext().dir(dir.resolve("pool"))
            .volumeSize(PairFixture.VOLUME_SIZE).createIfMissing(false)))
        {
            final BlockDevice volume = pool.volume();
            final ByteBuffer block = ByteBuffer.allocate(4096);
            volume.read(100, block);
            assertEquals((byte)0xab, block.get(17));
            block.clear();
            volume.read(3000000 / 4096 + 1, block);
            assertEquals((byte)0x5c, block.get(0));
        }
    }

    @Test
    void writesPastAnNvlogHalfForceCheckpointsAndThePoolHoldsEveryWriteAfterAStop() throws Exception
    {
        final int megabytes = 24;
        try (SecondaryController secondary = PairFixture.secondary(dir, PORT_BASE + 80, System.out);
            PrimaryController primary = PairFixture.primary(dir, PORT_BASE + 80, System.out))
        {
            await("the mirror session", 20, () -> primary.epoch() == secondary.sessionEpoch());
            final String uri = "nbd://127.0.0.1:" + primary.nbdPort();
            final String[] command = new String[6 + 2 * megabytes];
            command[0] = "qemu-io";
            command[1] = "-f";
            command[2] = "raw";
            command[3] = uri;
            for (int mb = 0; mb < megabytes; mb++)
            {
                command[4 + 2 * mb] = "-c";
                command[5 + 2 * mb] = "write -P " + (0x10 + mb) + " " + (mb << 20) + " 1M";
            }
            command[command.length - 2] = "-c";
            command[command.length - 1] = "flush";
            ExternalProcess.run(dir, 120, command).assertSuccess();
            // an 8 MiB NVRAM has 4 MiB halves: 24 MiB of writes switch halves at least five times
            await("the status to show the checkpoints", 10, () -> statusValue(primary.statusJson(), "cp.count") >= 5);
            assertTrue(statusValue(secondary.statusJson(), "mirror.releasedUpTo") > 0,
                "the secondary released its log after the primary's checkpoints:\n" + secondary.status());
        }
        try (Pool pool = Pool.open(new io.tandem.controller.pool.PoolContext().dir(dir.resolve("pool"))
            .volumeSize(PairFixture.VOLUME_SIZE).createIfMissing(false)))
        {
            final ByteBuffer block = ByteBuffer.allocate(1 << 20);
            for (int mb = 0; mb < megabytes; mb++)
            {
                block.clear();
                pool.volume().read((long)mb << 8, block);
                for (int i = 0; i < block.capacity(); i += 4096)
                {
                    assertEquals((byte)(0x10 + mb), block.get(i), "pool byte " + ((mb << 20) + i));
                }
            }
        }
    }

    @Test
    void aPrimaryRefusesAPoolItsPartnerOwns() throws Exception
    {
        try (Pool pool = Pool.open(new io.tandem.controller.pool.PoolContext().dir(dir.resolve("pool"))
            .volumeSize(PairFixture.VOLUME_SIZE)))
        {
            new io.tandem.controller.pool.Ownership(pool.superblocks()).take(1, pool.superblocks().read());
        }
        final IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> PairFixture.primary(dir, PORT_BASE + 120, System.out));
        assertTrue(refused.getMessage().contains("owned by controller 1 at epoch 1"), refused.getMessage());
        try (Pool pool = Pool.open(new io.tandem.controller.pool.PoolContext().dir(dir.resolve("pool"))
            .volumeSize(PairFixture.VOLUME_SIZE)))
        {
            assertEquals(1, pool.superblocks().read().epoch(), "the refused primary changed nothing");
        }
    }

    @Test
    void writesKeepFlowingWithAPathPulledAndTheControlPortSaysSo() throws Exception
    {
        try (SecondaryController secondary = PairFixture.secondary(dir, PORT_BASE + 40, System.out);
            PrimaryController primary = PairFixture.primary(dir, PORT_BASE + 40, System.out))
        {
            await("the mirror session", 20, () -> primary.epoch() == secondary.sessionEpoch());
            await("both paths up", 20, () -> "up".equals(json(primary.statusJson()).path("path.1").asText()));
            assertTrue(ControlClient.send("127.0.0.1", primary.controlPort(), "path pull 1", 5_000)
                .startsWith("OK"));
            await("path 1 down", 10, () -> "down".equals(json(primary.statusJson()).path("path.1").asText()) &&
                json(primary.statusJson()).path("path.1.pulled").asBoolean());
            final String uri = "nbd://127.0.0.1:" + primary.nbdPort();
            ExternalProcess.run(dir, 60, "qemu-io", "-f", "raw", uri,
                "-c", "write -P 0x11 0 2M", "-c", "read -P 0x11 0 2M").assertSuccess();
            for (int stream = 0; stream < 8; stream++)
            {
                assertEquals(0, statusValue(primary.statusJson(), "stream." + stream + ".path"),
                    "every stream moved to path 0:\n" + primary.status());
            }
            final String bad = ControlClient.send("127.0.0.1", primary.controlPort(), "path pull 7", 5_000);
            assertTrue(bad.startsWith("ERROR path must be 0 to 1"), bad);
            assertTrue(ControlClient.send("127.0.0.1", primary.controlPort(), "path restore 1", 5_000)
                .startsWith("OK"));
            await("path 1 back", 10, () -> "up".equals(json(primary.statusJson()).path("path.1").asText()));
        }
    }
}
