package io.tandem.cli.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Counts the reads checked and the errors found, and keeps the first few errors in words (block, expected, got).
 * Counting does not allocate; describing an error does, once per kept error.
 * <p>
 * Not thread-safe: the workload's one thread owns it.
 */
public final class VerificationLog
{
    private final int maxDetails;
    private final List<String> details = new ArrayList<>();
    private long readsChecked;
    private long blocksVerified;
    private long blocksUnacknowledged;
    private long errors;

    public VerificationLog(final int maxDetails)
    {
        this.maxDetails = maxDetails;
    }

    void checked()
    {
        readsChecked++;
    }

    void blockVerified()
    {
        blocksVerified++;
    }

    void blockUnacknowledged()
    {
        blocksUnacknowledged++;
    }

    /**
     * @return true when the caller should describe this error with {@link #detail(String)}.
     */
    boolean error()
    {
        errors++;
        return details.size() < maxDetails;
    }

    void detail(final String detail)
    {
        details.add(detail);
    }

    /**
     * @return reads whose data was checked, during the run and at the end.
     */
    public long readsChecked()
    {
        return readsChecked;
    }

    /**
     * @return blocks read back and checked by the final pass (or by a verify-only run).
     */
    public long blocksVerified()
    {
        return blocksVerified;
    }

    /**
     * @return blocks written but never acknowledged (every write lost or failed): nothing to hold them to.
     */
    public long blocksUnacknowledged()
    {
        return blocksUnacknowledged;
    }

    public long errors()
    {
        return errors;
    }

    /**
     * @return the first errors, in words.
     */
    public List<String> details()
    {
        return Collections.unmodifiableList(details);
    }
}
