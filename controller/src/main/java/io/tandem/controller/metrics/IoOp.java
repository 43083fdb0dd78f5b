package io.tandem.controller.metrics;

/**
 * The block operations a client asks of the volume, as the metrics label them ({@code op="read"}, ...).
 */
public enum IoOp
{
    READ, WRITE, WRITE_ZEROES, FLUSH, TRIM;

    private static final IoOp[] VALUES = values();
    private final String label = name().toLowerCase();

    /**
     * @return the label value.
     */
    public String label()
    {
        return label;
    }

    static IoOp[] all()
    {
        return VALUES;
    }
}
