package io.tandem.cli.workload;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateFileTest
{
    @TempDir
    Path dir;

    @Test
    void roundTrip() throws IOException
    {
        final int blocks = 20_000; // more than one 64 KiB chunk
        final BlockLedger ledger = new BlockLedger(blocks);
        for (int block = 0; block < blocks; block += 3)
        {
            ledger.acknowledge(block, ledger.beginWrite(block));
            ledger.acknowledge(block, ledger.beginWrite(block));
            ledger.beginWrite(block);
            ledger.abandon(block);
        }
        final Path path = dir.resolve("state");
        StateFile.save(path, 4096, 1234, ledger);
        final StateFile.Contents contents = StateFile.load(path);
        assertEquals(4096, contents.blockSize());
        assertEquals(1234, contents.seed());
        assertEquals(blocks, contents.ledger().blockCount());
        assertEquals(ledger.ackedBlockCount(), contents.ledger().ackedBlockCount());
        for (int block = 0; block < blocks; block++)
        {
            assertEquals(ledger.acked(block), contents.ledger().acked(block));
            assertEquals(ledger.issued(block), contents.ledger().issued(block));
        }
        assertEquals(2, contents.ledger().acked(3));
        assertEquals(3, contents.ledger().issued(3));
        assertTrue(Files.notExists(dir.resolve("state.tmp")));
    }

    @Test
    void damagedOrForeignFilesAreRefused() throws IOException
    {
        final Path path = dir.resolve("state");
        final BlockLedger ledger = new BlockLedger(10);
        ledger.acknowledge(1, ledger.beginWrite(1));
        StateFile.save(path, 4096, 1, ledger);
        final byte[] bytes = Files.readAllBytes(path);

        bytes[StateFile.HEADER_LENGTH + 8] ^= 1;
        Files.write(path, bytes);
        assertTrue(assertThrows(IOException.class, () -> StateFile.load(path)).getMessage().contains("CRC mismatch"));

        Files.write(path, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        assertTrue(assertThrows(IOException.class, () -> StateFile.load(path)).getMessage().contains("truncated"));

        Files.writeString(path, "not a state file at all, just some text");
        assertTrue(assertThrows(IOException.class, () -> StateFile.load(path)).getMessage()
            .contains("is not a workload state file"));
    }
}
