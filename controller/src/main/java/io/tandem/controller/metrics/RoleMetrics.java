package io.tandem.controller.metrics;

/**
 * A running role's figures for a scrape: written from the state its agent last published (its status snapshot,
 * copied) and from counters its agent keeps lock-free, on the scraping thread, never waiting for the agent.
 */
public interface RoleMetrics
{
    /**
     * @return the role.
     */
    ControllerRole role();

    void writeMetrics(MetricsWriter out);
}
