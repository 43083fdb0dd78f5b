package io.tandem.interconnect.status;

import io.aeron.CncFileDescriptor;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.PrintStream;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads a running interconnect endpoint's counters from another process, through the CnC file in its Aeron
 * directory; the endpoint is not disturbed (no client is registered with its driver). For {@code tandem ctl status}.
 * <p>
 * Values are a live view: each read sees the latest value written. Not thread-safe: one reader per thread.
 */
public final class InterconnectStatusReader implements AutoCloseable
{
    /** Visits one counter; see {@link InterconnectCounters} for type ids, roles and indexes. */
    @FunctionalInterface
    public interface CounterVisitor
    {
        void onCounter(int typeId, int role, int index, String label, long value);
    }

    private final MappedByteBuffer cnc;
    private final CountersReader counters;

    private InterconnectStatusReader(final MappedByteBuffer cnc)
    {
        this.cnc = cnc;
        final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(cnc);
        final int version = metaData.getInt(CncFileDescriptor.cncVersionOffset(0));
        CncFileDescriptor.checkVersion(version);
        this.counters = new CountersReader(
            CncFileDescriptor.createCountersMetaDataBuffer(cnc, metaData),
            CncFileDescriptor.createCountersValuesBuffer(cnc, metaData),
            StandardCharsets.US_ASCII);
    }

    /**
     * Opens the counters of the endpoint whose Aeron directory is {@code aeronDirectory}.
     *
     * @throws IllegalStateException when no driver ever ran there.
     */
    public static InterconnectStatusReader open(final Path aeronDirectory)
    {
        final File cncFile = aeronDirectory.resolve(CncFileDescriptor.CNC_FILE).toFile();
        if (!cncFile.isFile())
        {
            throw new IllegalStateException("no Aeron driver in " + aeronDirectory);
        }
        return new InterconnectStatusReader(IoUtil.mapExistingFile(cncFile, CncFileDescriptor.CNC_FILE));
    }

    /**
     * @return the value of the allocated interconnect counter of that type and index, or {@code missing}.
     */
    public long value(final int typeId, final int index, final long missing)
    {
        final int maxId = counters.maxCounterId();
        for (int id = 0; id <= maxId; id++)
        {
            if (counters.getCounterState(id) == CountersReader.RECORD_ALLOCATED &&
                counters.getCounterTypeId(id) == typeId &&
                InterconnectCounters.index(counters.metaDataBuffer(), CountersReader.metaDataOffset(id) +
                    CountersReader.KEY_OFFSET) == index)
            {
                return counters.getCounterValue(id);
            }
        }
        return missing;
    }

    /**
     * Visits every allocated interconnect counter, in id order.
     */
    public void forEach(final CounterVisitor visitor)
    {
        final int maxId = counters.maxCounterId();
        for (int id = 0; id <= maxId; id++)
        {
            if (counters.getCounterState(id) != CountersReader.RECORD_ALLOCATED)
            {
                continue;
            }
            final int typeId = counters.getCounterTypeId(id);
            if (!InterconnectCounters.isInterconnectType(typeId))
            {
                continue;
            }
            final int keyOffset = CountersReader.metaDataOffset(id) + CountersReader.KEY_OFFSET;
            visitor.onCounter(
                typeId,
                InterconnectCounters.role(counters.metaDataBuffer(), keyOffset),
                InterconnectCounters.index(counters.metaDataBuffer(), keyOffset),
                counters.getCounterLabel(id),
                counters.getCounterValue(id));
        }
    }

    /**
     * Prints one line per interconnect counter: label and value.
     */
    public void print(final PrintStream out)
    {
        forEach((typeId, role, index, label, value) -> out.printf("%-60s %,d%n", label, value));
    }

    public void close()
    {
        IoUtil.unmap(cnc);
    }
}
