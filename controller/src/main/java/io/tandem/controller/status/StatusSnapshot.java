package io.tandem.controller.status;

/**
 * A role's state as its agent last captured it, typed, published as a seqlock: the agent writes its values in
 * between {@link #beginWrite()} and {@link #endWrite()} (allocating nothing), and whoever asks for the status
 * copies a consistent set out ({@link #copyFrom}) into a snapshot of its own, then renders that: as status text or
 * JSON ({@link #render}) or as metrics ({@link #metrics}).
 * <p>
 * Thread-safe as described: one writer, any number of readers, each copying into its own instance.
 *
 * @param <T> the role's snapshot type.
 */
public abstract class StatusSnapshot<T extends StatusSnapshot<T>>
{
    private volatile long version;

    /**
     * The agent starts changing the values.
     */
    public final void beginWrite()
    {
        version = version + 1;
    }

    /**
     * The agent is done changing them: readers may copy.
     */
    public final void endWrite()
    {
        version = version + 1;
    }

    /**
     * Copies a consistent set of {@code from}'s values into this one, from any thread but the writer's.
     */
    public final void copyFrom(final T from)
    {
        final StatusSnapshot<T> source = from;
        while (true)
        {
            final long before = source.version;
            if (0 == (before & 1))
            {
                copyFields(from);
                if (source.version == before)
                {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Copies every value of {@code from} into this one.
     */
    protected abstract void copyFields(T from);

    /**
     * Writes every value, in the order the status shows them.
     */
    public abstract void render(StatusWriter out);

    /**
     * Writes the same values as metrics, for a scrape.
     */
    public abstract void metrics(io.tandem.controller.metrics.MetricsWriter out);
}
