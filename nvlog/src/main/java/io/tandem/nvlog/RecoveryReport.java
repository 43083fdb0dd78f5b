package io.tandem.nvlog;

/**
 * What {@link NvLog#open(NvLogContext)} found: one {@link HalfScan} per half, and whether the device was
 * formatted just now. Immutable.
 */
public record RecoveryReport(boolean formatted, HalfScan half0, HalfScan half1)
{
    public long records()
    {
        return half0.records() + half1.records();
    }

    public long droppedBytes()
    {
        return half0.droppedBytes() + half1.droppedBytes();
    }

    public boolean clean()
    {
        return 0 == droppedBytes();
    }

    public HalfScan half(final int index)
    {
        return 0 == index ? half0 : half1;
    }

    public String toString()
    {
        return (formatted ? "formatted a blank device; " : "") + records() + " records kept, " + droppedBytes() +
            " bytes dropped [" + half0 + "; " + half1 + "]";
    }
}
