package io.tandem.controller.nbd;

import io.tandem.interconnect.idle.SelectorIdleStrategy;
import io.tandem.staging.testing.ExternalProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real NBD clients (libnbd's nbdinfo and nbdcopy, qemu-io, qemu-img, fio's nbd engine) against the server on
 * 127.0.0.1 with an ephemeral port. Each tool runs as a process with a deadline and is killed by pid if late.
 */
@Timeout(60)
class NbdInteropTest
{
    private static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    private InMemoryBlockVolume volume;
    private NbdServer server;
    private SelectorIdleStrategy idle;
    private String uri;

    @BeforeEach
    void start() throws Exception
    {
        volume = new InMemoryBlockVolume(SIZE);
        // the server's thread sleeps on its sockets for up to a minute: a client left unserved would hang the test
        idle = new SelectorIdleStrategy(10, 2, 60_000);
        server = NbdServer.launch(new NbdServerContext().port(0).volume(volume).idleStrategy(idle));
        uri = "nbd://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop()
    {
        server.close();
        idle.close();
        volume.close();
    }

    @Test
    void nbdinfoShowsSizeAndFlags() throws Exception
    {
        final String out = ExternalProcess.run(dir, 20, "nbdinfo", uri).assertSuccess().output;
        assertTrue(out.contains("export-size: " + SIZE), out);
        assertTrue(out.contains("is_read_only: false"), out);
        assertTrue(out.contains("can_flush: true"), out);
        assertTrue(out.contains("can_fua: true"), out);
        assertTrue(out.contains("can_trim: true"), out);
        assertTrue(out.contains("can_zero: true"), out);
        assertTrue(out.contains("can_multi_conn: true"), out);
        assertTrue(out.contains("block_size_maximum: " + (32 << 20)), out);

        final String named = ExternalProcess.run(dir, 20, "nbdinfo", "--size", uri + "/tandem").assertSuccess().output;
        assertEquals(Long.toString(SIZE), named.trim());
        assertNotEquals(0, ExternalProcess.run(dir, 20, "nbdinfo", uri + "/nosuch").exitCode);
    }

    @Test
    void nbdinfoListsTheExport() throws Exception
    {
        final String out = ExternalProcess.run(dir, 20, "nbdinfo", "--list", uri).assertSuccess().output;
        assertTrue(out.contains("export=\"tandem\""), out);
        assertTrue(out.contains("description: tandem mirrored volume"), out);
        assertTrue(out.contains("export-size: " + SIZE), out);
    }

    @Test
    void qemuIoWritesAndReadsBackAPattern() throws Exception
    {
        final String out = ExternalProcess.run(dir, 30, "qemu-io", "-f", "raw", uri,
            "-c", "write -P 0xab 0 64k",
            "-c", "write -P 0xcd -f 1m 4k",
            "-c", "read -P 0xab 0 64k",
            "-c", "read -P 0xcd 1m 4k",
            "-c", "flush",
            "-c", "write -z 2m 128k",
            "-c", "read -P 0 2m 128k",
            "-c", "discard 3m 64k").assertSuccess().output;
        assertTrue(!out.contains("verification failed") && !out.contains("error"), out);
        for (int i = 0; i < 64 << 10; i++)
        {
            assertEquals((byte)0xab, volume.contents().getByte(i), "byte " + i);
        }
        for (int i = 0; i < 4096; i++)
        {
            assertEquals((byte)0xcd, volume.contents().getByte((1 << 20) + i), "byte " + i);
        }
        assertTrue(server.counters().fuaRequests() >= 1, server.counters().toString());
        assertTrue(server.counters().flushes() >= 1, server.counters().toString());
        assertTrue(server.counters().writeZeroes() >= 1, server.counters().toString());
        assertTrue(server.counters().trims() >= 1, server.counters().toString());
    }

    @Test
    void qemuIoSeesReadPatternMismatch() throws Exception
    {
        final ExternalProcess result = ExternalProcess.run(dir, 30, "qemu-io", "-f", "raw", uri,
            "-c", "write -P 0x11 0 4k",
            "-c", "read -P 0x22 0 4k");
        assertTrue(result.output.contains("Pattern verification failed at offset 0"), result.toString());
    }

    @Test
    void qemuImgConvertAndCompare() throws Exception
    {
        final Path source = randomFile("source.img", SIZE, 1);
        ExternalProcess.run(dir, 30, "qemu-img", "convert", "-n", "-f", "raw", "-O", "raw",
            source.toString(), uri).assertSuccess();
        final String out = ExternalProcess.run(dir, 30, "qemu-img", "compare", "-f", "raw", "-F", "raw",
            source.toString(), uri).assertSuccess().output;
        assertTrue(out.contains("Images are identical"), out);

        final byte[] expected = Files.readAllBytes(source);
        final byte[] actual = new byte[(int)SIZE];
        volume.contents().getBytes(0, actual);
        assertArrayEquals(expected, actual);
    }

    @Test
    void nbdcopyInAndOutOverManyConnections() throws Exception
    {
        final Path source = randomFile("in.img", SIZE, 2);
        ExternalProcess.run(dir, 30, "nbdcopy", "--connections=4", "--requests=16",
            source.toString(), uri).assertSuccess();
        final Path copy = dir.resolve("out.img");
        ExternalProcess.run(dir, 30, "nbdcopy", "--connections=4", uri, copy.toString()).assertSuccess();
        assertArrayEquals(Files.readAllBytes(source), Files.readAllBytes(copy));
        assertTrue(server.counters().connectionsAccepted() >= 2, server.counters().toString());
    }

    @Test
    void fioRandomReadWriteWithVerification() throws Exception
    {
        final ExternalProcess result = ExternalProcess.run(dir, 40, "fio", "--name=nbd", "--ioengine=nbd",
            "--uri=" + uri, "--rw=randrw", "--bs=4k", "--iodepth=32", "--size=" + (8 << 20),
            "--runtime=2", "--time_based", "--verify=crc32c", "--verify_fatal=1", "--do_verify=1",
            "--output-format=terse", "--terse-version=3");
        result.assertSuccess();
        final String[] fields = result.output.trim().split("\n");
        final String[] terse = fields[fields.length - 1].split(";");
        assertEquals("0", terse[4], "fio error field: " + result);
        assertTrue(server.counters().writes() > 1000, server.counters().toString());
        assertTrue(server.counters().reads() > 1000, server.counters().toString());
        assertEquals(0, server.counters().errorReplies(), server.counters().toString());
        assertEquals(0, server.counters().protocolViolations(), server.counters().toString());
    }

    @Test
    void fioVerifyOnlyDetectsACorruptedBlock() throws Exception
    {
        final String[] job = {"fio", "--name=v", "--ioengine=nbd", "--uri=" + uri, "--rw=randwrite", "--bs=4k",
            "--iodepth=32", "--size=" + (4 << 20), "--verify=crc32c", "--randrepeat=1"};
        ExternalProcess.run(dir, 30, append(job, "--do_verify=0")).assertSuccess();
        ExternalProcess.run(dir, 30, append(job, "--verify_only")).assertSuccess();

        volume.contents().putByte(12345, (byte)(volume.contents().getByte(12345) ^ 0xff));
        final ExternalProcess corrupted = ExternalProcess.run(dir, 30, append(job, "--verify_only"));
        assertNotEquals(0, corrupted.exitCode, corrupted.toString());
        assertTrue(corrupted.output.contains("verify"), corrupted.toString());
    }

    @Test
    void fioOverManyConnections() throws Exception
    {
        ExternalProcess.run(dir, 40, "fio", "--name=multi", "--ioengine=nbd", "--uri=" + uri, "--rw=randwrite",
            "--bs=4k", "--iodepth=16", "--numjobs=6", "--size=" + (2 << 20), "--offset_increment=" + (2 << 20),
            "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--group_reporting").assertSuccess();
        assertTrue(server.counters().connectionsAccepted() >= 6, server.counters().toString());
        assertEquals(0, server.counters().errorReplies(), server.counters().toString());
    }

    @Test
    void refuseIoModeFailsRealClientsFastAndTakeoverServes() throws Exception
    {
        server.refuseIo(true);
        final String info = ExternalProcess.run(dir, 20, "nbdinfo", uri).assertSuccess().output;
        assertTrue(info.contains("export-size: " + SIZE), info);
        assertTrue(info.contains("standby: refuses I/O until takeover"), info);

        final ExternalProcess refused = ExternalProcess.run(dir, 20, "qemu-io", "-f", "raw", uri,
            "-c", "read 0 4k", "-c", "write -P 0x42 0 4k");
        assertNotEquals(0, refused.exitCode, refused.toString());
        assertTrue(refused.output.contains("read failed: Cannot send after transport endpoint shutdown"),
            refused.toString());
        assertNotEquals(0, ExternalProcess.run(dir, 20, "nbdcopy", uri, dir.resolve("o.img").toString()).exitCode);
        assertEquals(0, volume.contents().getByte(0));

        server.refuseIo(false);
        final String out = ExternalProcess.run(dir, 20, "qemu-io", "-f", "raw", uri,
            "-c", "write -P 0x42 0 4k", "-c", "read -P 0x42 0 4k").assertSuccess().output;
        assertTrue(!out.contains("verification failed"), out);
        assertEquals(0x42, volume.contents().getByte(0));
    }

    private static String[] append(final String[] command, final String arg)
    {
        final String[] result = java.util.Arrays.copyOf(command, command.length + 1);
        result[command.length] = arg;
        return result;
    }

    private Path randomFile(final String name, final long size, final long seed) throws Exception
    {
        final byte[] bytes = new byte[(int)size];
        new Random(seed).nextBytes(bytes);
        final Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }
}
