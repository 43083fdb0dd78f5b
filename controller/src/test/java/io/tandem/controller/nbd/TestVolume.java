package io.tandem.controller.nbd;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory volume that records every request it is given and, when holding, keeps the completions back until
 * the test releases them, in reverse order, from the test's own thread.
 */
final class TestVolume implements BlockVolume
{
    static final class Submitted
    {
        final String command;
        final long token;
        final long offset;
        final long length;
        final boolean fua;
        final boolean noHole;
        final IoCompletion completion;

        Submitted(final String command, final long token, final long offset, final long length, final boolean fua,
            final boolean noHole, final IoCompletion completion)
        {
            this.command = command;
            this.token = token;
            this.offset = offset;
            this.length = length;
            this.fua = fua;
            this.noHole = noHole;
            this.completion = completion;
        }

        public String toString()
        {
            return command + "@" + offset + "+" + length + (fua ? " FUA" : "") + (noHole ? " NO_HOLE" : "");
        }
    }

    final InMemoryBlockVolume memory;
    final List<Submitted> submitted = new ArrayList<>();
    private final List<Submitted> held = new ArrayList<>();
    private final IoCompletion holder = (token, error) -> { };
    private volatile boolean hold;
    private volatile int mapBlockSize;
    private volatile int[] mapFlags;
    private volatile boolean overReport;
    private volatile boolean zeroesFast;

    TestVolume(final long size)
    {
        memory = new InMemoryBlockVolume(size);
    }

    void hold(final boolean hold)
    {
        this.hold = hold;
    }

    /**
     * Reports {@code base:allocation} from {@code flags}, one entry per {@code blockSize} bytes; without it, the
     * interface's default (one allocated extent).
     */
    void map(final int blockSize, final int... flags)
    {
        this.mapBlockSize = blockSize;
        this.mapFlags = flags;
    }

    /** Reports one extent longer than the range asked for: the server must cut it. */
    void overReport(final boolean overReport)
    {
        this.overReport = overReport;
    }

    void zeroesFast(final boolean zeroesFast)
    {
        this.zeroesFast = zeroesFast;
    }

    public boolean zeroesFast()
    {
        return zeroesFast;
    }

    public void submitBlockStatus(
        final long token, final long offset, final long length, final ByteBuffer extents, final IoCompletion completion)
    {
        record(new Submitted("BLOCK_STATUS", token, offset, length, false, false, completion));
        final int[] flags = mapFlags;
        if (overReport)
        {
            NbdExtents.append(extents, Math.min(0xFFFF_FFFFL, length + (1 << 20)), 0);
        }
        else if (null == flags)
        {
            BlockVolume.super.submitBlockStatus(token, offset, length, extents, completionFor(completion));
            return;
        }
        else
        {
            long at = offset;
            final long end = offset + length;
            while (at < end)
            {
                final long blockEnd = (at / mapBlockSize + 1) * mapBlockSize;
                final long piece = Math.min(blockEnd, end) - at;
                if (!NbdExtents.append(extents, piece, flags[(int)(at / mapBlockSize)]))
                {
                    break;
                }
                at += piece;
            }
        }
        completionFor(completion).onComplete(token, NbdProtocol.OK);
    }

    synchronized int heldCount()
    {
        return held.size();
    }

    synchronized List<Submitted> submitted()
    {
        return new ArrayList<>(submitted);
    }

    /** Completes every held request, the last submitted first. */
    synchronized void releaseInReverse()
    {
        for (int i = held.size() - 1; i >= 0; i--)
        {
            held.get(i).completion.onComplete(held.get(i).token, NbdProtocol.OK);
        }
        held.clear();
    }

    private synchronized void record(final Submitted request)
    {
        submitted.add(request);
        if (hold)
        {
            held.add(request);
        }
    }

    private IoCompletion completionFor(final IoCompletion completion)
    {
        return hold ? holder : completion;
    }

    public long size()
    {
        return memory.size();
    }

    public void submitRead(final long token, final long offset, final ByteBuffer dst, final IoCompletion completion)
    {
        record(new Submitted("READ", token, offset, dst.remaining(), false, false, completion));
        memory.submitRead(token, offset, dst, completionFor(completion));
    }

    public void submitWrite(
        final long token, final long offset, final ByteBuffer src, final boolean fua, final IoCompletion completion)
    {
        record(new Submitted("WRITE", token, offset, src.remaining(), fua, false, completion));
        memory.submitWrite(token, offset, src, fua, completionFor(completion));
    }

    public void submitFlush(final long token, final IoCompletion completion)
    {
        record(new Submitted("FLUSH", token, 0, 0, false, false, completion));
        memory.submitFlush(token, completionFor(completion));
    }

    public void submitTrim(
        final long token, final long offset, final long length, final boolean fua, final IoCompletion completion)
    {
        record(new Submitted("TRIM", token, offset, length, fua, false, completion));
        memory.submitTrim(token, offset, length, fua, completionFor(completion));
    }

    public void submitWriteZeroes(final long token, final long offset, final long length, final boolean fua,
        final boolean noHole, final IoCompletion completion)
    {
        record(new Submitted("WRITE_ZEROES", token, offset, length, fua, noHole, completion));
        memory.submitWriteZeroes(token, offset, length, fua, noHole, completionFor(completion));
    }

    public void close()
    {
        memory.close();
    }
}
