package io.tandem.staging.block;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Run by {@link MappedBlockDeviceTest} in a child JVM: writes every block of a {@link MappedBlockDevice} over and
 * over, round after round, and prints "block round" after each write returns, until it is killed. Round 1 goes
 * through the file, every later round through the mapping. Each 8-byte word of a block holds
 * {@code block << 32 | round}.
 * <p>
 * Arguments: device file, block count.
 */
public final class MappedCrashChild
{
    static final int BLOCK_SIZE = 4096;

    private MappedCrashChild()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path file = Path.of(args[0]);
        final int blocks = Integer.parseInt(args[1]);
        final PrintStream out = System.out;
        final ByteBuffer block = ByteBuffer.allocateDirect(BLOCK_SIZE);
        try (MappedBlockDevice device = MappedBlockDevice.open(file, BLOCK_SIZE, blocks, true))
        {
            out.println("READY");
            out.flush();
            for (long round = 1; ; round++)
            {
                for (int index = 0; index < blocks; index++)
                {
                    block.clear();
                    while (block.hasRemaining())
                    {
                        block.putLong((long)index << 32 | round);
                    }
                    block.flip();
                    device.write(index, block);
                    out.println(index + " " + round);
                }
                out.flush();
            }
        }
    }
}
