package io.tandem.controller.nbd;

import io.tandem.staging.testing.ExternalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real clients against a volume that completes every request from worker threads, out of order: the lock-free
 * completion path under load, with data verified end to end.
 */
@Timeout(60)
class CrossThreadCompletionTest
{
    @TempDir
    Path dir;

    @Test
    void fioVerifiesThroughAVolumeCompletingFromOtherThreads() throws Exception
    {
        try (WorkerThreadVolume volume = new WorkerThreadVolume(16 << 20, 3);
            NbdServer server = NbdServer.launch(new NbdServerContext().port(0).volume(volume)))
        {
            final String uri = "nbd://127.0.0.1:" + server.port();
            ExternalProcess.run(dir, 40, "fio", "--name=async", "--ioengine=nbd", "--uri=" + uri,
                "--rw=randwrite", "--bs=4k", "--iodepth=32", "--numjobs=2", "--size=" + (4 << 20),
                "--offset_increment=" + (4 << 20), "--verify=crc32c", "--do_verify=1", "--verify_fatal=1",
                "--group_reporting").assertSuccess();
            final String out = ExternalProcess.run(dir, 30, "qemu-io", "-f", "raw", uri,
                "-c", "write -P 0x61 8m 8m",
                "-c", "aio_write -P 0x62 8m 64k",
                "-c", "aio_flush",
                "-c", "read -P 0x62 8m 64k",
                "-c", "read -P 0x61 9m 7m").assertSuccess().output;
            assertTrue(!out.contains("verification failed"), out);
            assertEquals(0, server.counters().errorReplies(), server.counters().toString());
            assertEquals(0, server.counters().staleCompletions(), server.counters().toString());
            assertTrue(server.counters().writes() >= 2048, server.counters().toString());
        }
    }
}
