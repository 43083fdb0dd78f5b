package io.tandem.cli.timeline.plot;

/**
 * Stacks labels in rows so that none overlaps another: each label, left to right, goes in the first row whose last
 * label ends before it begins; when every row is taken there, it is left out. Positions in pixels.
 * <p>
 * Not thread-safe: one layout at a time.
 */
final class LabelRows
{
    private final double[] rowEnds;
    private final double gap;
    private int used;

    LabelRows(final int maxRows, final double gap)
    {
        this.rowEnds = new double[maxRows];
        this.gap = gap;
        java.util.Arrays.fill(rowEnds, Double.NEGATIVE_INFINITY);
    }

    /**
     * @return the row, from 0, of a label from {@code left} to {@code right}, or -1 when every row is taken there;
     * labels come in order of their left.
     */
    int place(final double left, final double right)
    {
        for (int row = 0; row < rowEnds.length; row++)
        {
            if (rowEnds[row] + gap <= left)
            {
                rowEnds[row] = right;
                used = Math.max(used, row + 1);
                return row;
            }
        }
        return -1;
    }

    /**
     * @return how many rows the labels placed so far take.
     */
    int used()
    {
        return used;
    }
}
