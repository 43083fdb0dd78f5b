package io.tandem.controller.metrics;

/**
 * Where a controller serves its metrics and console: a bind address (loopback by default: this is a control
 * plane) and a port (0: serve nothing). Concluded once.
 * <p>
 * Not thread-safe: configure, conclude, then hand it to {@link MetricsServer#start}.
 */
public final class MetricsContext
{
    /** The address the metrics port listens on. */
    public static final String BIND_ADDRESS_PROP_NAME = "tandem.metrics.bindAddress";
    public static final String BIND_ADDRESS_DEFAULT = "127.0.0.1";

    /** Threads answering HTTP requests: a scrape never waits behind a slow console request for long. */
    public static final String THREADS_PROP_NAME = "tandem.metrics.threads";
    public static final int THREADS_DEFAULT = 2;

    /** Offset of the default metrics port from the controller's NBD port (10809 + 200 = 11009). */
    public static final int PORT_OFFSET_DEFAULT = 200;

    private String bindAddress;
    private int port = -1;
    private int threads = -1;

    public MetricsContext conclude()
    {
        if (null == bindAddress)
        {
            bindAddress = System.getProperty(BIND_ADDRESS_PROP_NAME, BIND_ADDRESS_DEFAULT);
        }
        if (-1 == threads)
        {
            threads = Integer.getInteger(THREADS_PROP_NAME, THREADS_DEFAULT);
        }
        if (port < 0 || port > 65_535)
        {
            throw new IllegalArgumentException("metrics port must be 1 to 65535, or 0 for none: " + port);
        }
        if (threads < 1)
        {
            throw new IllegalArgumentException(THREADS_PROP_NAME + " must be >= 1: " + threads);
        }
        return this;
    }

    /**
     * @return true when there is a port to serve on.
     */
    public boolean enabled()
    {
        return port > 0;
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    public MetricsContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    public int port()
    {
        return port;
    }

    /**
     * @param port 0 for no metrics and no console.
     */
    public MetricsContext port(final int port)
    {
        this.port = port;
        return this;
    }

    public int threads()
    {
        return threads;
    }

    public MetricsContext threads(final int threads)
    {
        this.threads = threads;
        return this;
    }
}
