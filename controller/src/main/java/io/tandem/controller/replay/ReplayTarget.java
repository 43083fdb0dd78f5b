package io.tandem.controller.replay;

import org.agrona.DirectBuffer;

import java.io.IOException;

/**
 * Where a {@link Replay} puts what a log record changes in the volume: the primary's write cache when it restarts
 * on its own log, the pool's volume when a secondary takes over from its mirror.
 */
public interface ReplayTarget
{
    /**
     * Writes {@code length} bytes of {@code src} at {@code srcOffset} to the volume at {@code volumeOffset}.
     *
     * @param lsn the record's LSN.
     */
    void write(long volumeOffset, DirectBuffer src, int srcOffset, int length, long lsn) throws IOException;

    /**
     * Zeroes {@code length} bytes of the volume at {@code volumeOffset}.
     *
     * @param hole the whole blocks zeroed may become holes ({@link io.tandem.nvlog.LogRecord#FLAG_HOLE}); else
     *             they stay allocated.
     * @param lsn  the record's LSN.
     */
    void zero(long volumeOffset, long length, boolean hole, long lsn) throws IOException;

    /**
     * Called once after the last record of a replay: a target that holds writes back to reorder them writes them
     * out here. Nothing by default.
     */
    default void finish() throws IOException
    {
    }
}
