package io.tandem.cli.timeline.plot;

/**
 * Stacks labels in rows so that none overlaps another: each label, left to right, goes in the first row whose last
 * label ends before it begins, or, when every row is taken, in the row that frees first. Positions in pixels.
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
     * @return the row, from 0, of a label from {@code left} to {@code right}; labels come in order of their left.
     */
    int place(final double left, final double right)
    {
        int row = 0;
        for (int i = 0; i < rowEnds.length; i++)
        {
            if (rowEnds[i] + gap <= left)
            {
                row = i;
                break;
            }
            if (rowEnds[i] < rowEnds[row])
            {
                row = i;
            }
        }
        rowEnds[row] = Math.max(rowEnds[row], right);
        used = Math.max(used, row + 1);
        return row;
    }

    /**
     * @return how many rows the labels placed so far take.
     */
    int used()
    {
        return used;
    }
}
