package io.tandem.controller.status;

/**
 * Renders a controller's status, field by field, as the text `tandem ctl status` shows people ({@code key=value}
 * lines) or as one flat JSON object for machines and tests ({@code tandem ctl status --json}): the same typed
 * fields in the same order either way, so nothing ever parses the text back.
 * <p>
 * Not thread-safe: one writer per rendering, on the thread that asked for the status (never the agent).
 */
public final class StatusWriter
{
    private final StringBuilder out;
    private final boolean json;
    private boolean first = true;

    private StatusWriter(final StringBuilder out, final boolean json)
    {
        this.out = out;
        this.json = json;
        if (json)
        {
            out.append('{');
        }
    }

    /**
     * @return a writer of {@code key=value} lines.
     */
    public static StatusWriter text(final StringBuilder out)
    {
        return new StatusWriter(out, false);
    }

    /**
     * @return a writer of one flat JSON object; call {@link #finish()} to close it.
     */
    public static StatusWriter json(final StringBuilder out)
    {
        return new StatusWriter(out, true);
    }

    public boolean isJson()
    {
        return json;
    }

    public StatusWriter field(final String key, final long value)
    {
        key(key);
        out.append(value);
        return end();
    }

    public StatusWriter field(final String key, final boolean value)
    {
        key(key);
        out.append(value);
        return end();
    }

    /**
     * A number with {@code decimals} places.
     */
    public StatusWriter field(final String key, final double value, final int decimals)
    {
        key(key);
        out.append(String.format("%." + decimals + "f", value));
        return end();
    }

    /**
     * A string; an enum's name, say, or a sentence.
     */
    public StatusWriter field(final String key, final Object value)
    {
        key(key);
        if (json)
        {
            quote(String.valueOf(value));
        }
        else
        {
            out.append(value);
        }
        return end();
    }

    /**
     * Lines written elsewhere as {@code key=value} text (the error log's, the health's): in JSON each becomes a
     * string field.
     */
    public StatusWriter lines(final CharSequence keyValueLines)
    {
        final String text = keyValueLines.toString();
        int start = 0;
        while (start < text.length())
        {
            int end = text.indexOf('\n', start);
            end = -1 == end ? text.length() : end;
            final String line = text.substring(start, end);
            final int equals = line.indexOf('=');
            if (equals > 0)
            {
                field(line.substring(0, equals), line.substring(equals + 1));
            }
            start = end + 1;
        }
        return this;
    }

    /**
     * Each interconnect path's state: {@code path.N=up|down}, with {@code (pulled)} in the text, or a boolean
     * {@code path.N.pulled} field in JSON.
     *
     * @param liveMask bit N set while path N is up.
     */
    public StatusWriter paths(final int liveMask, final boolean[] pulled)
    {
        for (int path = 0; path < pulled.length; path++)
        {
            final String state = 0 != (liveMask & (1 << path)) ? "up" : "down";
            if (json)
            {
                field("path." + path, state).field("path." + path + ".pulled", pulled[path]);
            }
            else
            {
                field("path." + path, pulled[path] ? state + " (pulled)" : state);
            }
        }
        return this;
    }

    /**
     * Renders {@code snapshot} and then {@code extraLines} (the health's and the error log's {@code key=value}
     * lines) as text or JSON.
     */
    public static String render(final StatusSnapshot<?> snapshot, final boolean json, final CharSequence extraLines)
    {
        final StatusWriter out = json ? json(new StringBuilder(2048)) : text(new StringBuilder(2048));
        snapshot.render(out);
        return out.lines(extraLines).finish();
    }

    /**
     * @return the rendering.
     */
    public String finish()
    {
        if (json)
        {
            out.append("}\n");
        }
        return out.toString();
    }

    private void key(final String key)
    {
        if (json)
        {
            out.append(first ? "" : ",");
            quote(key);
            out.append(':');
        }
        else
        {
            out.append(key).append('=');
        }
        first = false;
    }

    private StatusWriter end()
    {
        if (!json)
        {
            out.append('\n');
        }
        return this;
    }

    private void quote(final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
