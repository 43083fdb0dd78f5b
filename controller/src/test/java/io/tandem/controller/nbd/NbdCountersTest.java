package io.tandem.controller.nbd;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Counters placed in a memory-mapped file are read through a second mapping of the file, as another process
 * would read them, while the server runs.
 */
@Timeout(30)
class NbdCountersTest
{
    @TempDir
    Path dir;

    @Test
    void countersInAMappedFileAreReadThroughAnotherMapping() throws Exception
    {
        final Path file = dir.resolve("status");
        final MappedByteBuffer writerMap = IoUtil.mapNewFile(file.toFile(), 4096);
        final MappedByteBuffer readerMap = IoUtil.mapExistingFile(file.toFile(), "status");
        try (InMemoryBlockVolume volume = new InMemoryBlockVolume(1 << 20);
            NbdServer server = NbdServer.launch(new NbdServerContext().port(0).volume(volume)
                .counters(new NbdCounters(new UnsafeBuffer(writerMap), 512))))
        {
            final NbdCounters reader = new NbdCounters(new UnsafeBuffer(readerMap), 512);
            try (RawNbdClient client = new RawNbdClient(server.port()).handshake())
            {
                client.go("");
                final byte[] data = new byte[4096];
                assertEquals(NbdProtocol.OK, client.call(0, NbdProtocol.CMD_WRITE, 0, 4096, data));
                assertEquals(NbdProtocol.OK, client.call(0, NbdProtocol.CMD_READ, 0, 4096, data));
                assertEquals(NbdProtocol.EINVAL, client.call(0, NbdProtocol.CMD_READ, 1 << 20, 1, data));
                assertEquals(1, reader.writes());
                assertEquals(4096, reader.get(NbdCounters.WRITE_BYTES_OFFSET));
                assertEquals(1, reader.reads());
                assertEquals(1, reader.errorReplies());
                assertEquals(1, reader.activeConnections());
                assertTrue(reader.toString().contains("writes=1 writeBytes=4096"), reader.toString());
            }
        }
        finally
        {
            IoUtil.unmap(writerMap);
            IoUtil.unmap(readerMap);
        }
    }

    @Test
    void refusesAMisplacedRegion()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(1024));
        assertThrows(IllegalArgumentException.class, () -> new NbdCounters(buffer, 4));
        assertThrows(IllegalArgumentException.class, () -> new NbdCounters(buffer, 1024 - 128));
    }
}
