package io.tandem.cli.nbd;

import io.tandem.controller.nbd.NbdProtocol;

/**
 * What the handshake learned about the export: its size, transmission flags and the largest payload the server
 * takes.
 * <p>
 * Immutable; thread-safe.
 */
public final class NbdExport
{
    /** The largest payload assumed when the server does not send NBD_INFO_BLOCK_SIZE (the protocol's 32 MiB). */
    public static final int DEFAULT_MAX_PAYLOAD = 32 << 20;

    private final long size;
    private final int transmissionFlags;
    private final int maxPayload;

    public NbdExport(final long size, final int transmissionFlags, final int maxPayload)
    {
        this.size = size;
        this.transmissionFlags = transmissionFlags;
        this.maxPayload = maxPayload;
    }

    /**
     * @return the export's size in bytes.
     */
    public long size()
    {
        return size;
    }

    public int transmissionFlags()
    {
        return transmissionFlags;
    }

    public boolean readOnly()
    {
        return (transmissionFlags & NbdProtocol.FLAG_READ_ONLY) != 0;
    }

    public boolean canFlush()
    {
        return (transmissionFlags & NbdProtocol.FLAG_SEND_FLUSH) != 0;
    }

    public int maxPayload()
    {
        return maxPayload;
    }

    public String toString()
    {
        return "NbdExport{size=" + size + ", flags=0x" + Integer.toHexString(transmissionFlags) +
            ", maxPayload=" + maxPayload + '}';
    }
}
