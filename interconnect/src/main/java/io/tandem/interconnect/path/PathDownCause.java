package io.tandem.interconnect.path;

/**
 * Why {@link PathLiveness} holds a path down.
 */
public enum PathDownCause
{
    /** Nothing was ever heard on it. */
    NEVER_HEARD("never heard from the partner"),
    /** Its outgoing publication lost its connection. */
    NOT_CONNECTED("not connected"),
    /** Silent for the quick timeout while the partner's heartbeats kept arriving on another path: a lost path. */
    SILENT_ALONE("silent while the partner's heartbeats came on another path"),
    /** Silent for the full timeout. */
    SILENT("silent for the full timeout");

    private final String description;

    PathDownCause(final String description)
    {
        this.description = description;
    }

    /**
     * @return the cause in words, for the journal and status.
     */
    public String description()
    {
        return description;
    }
}
