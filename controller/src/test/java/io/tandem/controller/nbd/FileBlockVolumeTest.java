package io.tandem.controller.nbd;

import io.tandem.staging.testing.ExternalProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The file-backed volume on its own, then served to qemu-io: what a client wrote and flushed is in the file.
 */
@Timeout(30)
class FileBlockVolumeTest
{
    @TempDir
    Path dir;

    @Test
    void createsReadsWritesZeroesAndRefusesAnotherSize() throws Exception
    {
        final Path file = dir.resolve("volume.img");
        final int[] errors = new int[8];
        final int[] count = {0};
        final IoCompletion completion = (token, error) -> errors[count[0]++] = error;
        try (FileBlockVolume volume = FileBlockVolume.open(file, 1 << 20))
        {
            assertEquals(1 << 20, Files.size(file));
            final ByteBuffer src = ByteBuffer.allocateDirect(8192);
            while (src.hasRemaining())
            {
                src.put((byte)0x3c);
            }
            src.flip();
            volume.submitWrite(1, 4096, src, true, completion);
            volume.submitWriteZeroes(2, 8192, 2048, false, true, completion);
            volume.submitFlush(3, completion);
            final ByteBuffer dst = ByteBuffer.allocateDirect(8192);
            volume.submitRead(4, 4096, dst, completion);
            volume.submitTrim(5, 0, 4096, true, completion);
            assertEquals(5, count[0]);
            for (int i = 0; i < 5; i++)
            {
                assertEquals(NbdProtocol.OK, errors[i]);
            }
            dst.flip();
            for (int i = 0; i < 8192; i++)
            {
                assertEquals(i < 4096 ? 0x3c : (i < 4096 + 2048 ? 0 : 0x3c), dst.get(i), "byte " + i);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> FileBlockVolume.open(file, 2 << 20));
        try (FileBlockVolume volume = FileBlockVolume.openExisting(file))
        {
            assertEquals(1 << 20, volume.size());
        }
    }

    @Test
    void servedToQemuIo() throws Exception
    {
        final Path file = dir.resolve("served.img");
        try (FileBlockVolume volume = FileBlockVolume.open(file, 8 << 20);
            NbdServer server = NbdServer.launch(new NbdServerContext().port(0).volume(volume)))
        {
            final String uri = "nbd://127.0.0.1:" + server.port();
            final String out = ExternalProcess.run(dir, 30, "qemu-io", "-f", "raw", uri,
                "-c", "write -P 0x9e 1m 256k",
                "-c", "flush",
                "-c", "read -P 0x9e 1m 256k").assertSuccess().output;
            assertTrue(!out.contains("verification failed"), out);
            assertTrue(server.counters().flushes() >= 1, server.counters().toString());
        }
        final byte[] bytes = Files.readAllBytes(file);
        final byte[] expected = new byte[256 << 10];
        java.util.Arrays.fill(expected, (byte)0x9e);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(bytes, 1 << 20, (1 << 20) + (256 << 10)));
    }
}
