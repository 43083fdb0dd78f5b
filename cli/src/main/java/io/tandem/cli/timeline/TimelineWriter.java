package io.tandem.cli.timeline;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the records of a timeline file ({@link TimelineFormat}), one JSON object per line, each flushed to the file
 * as it ends so another process can follow the file while it grows.
 * <pre>{@code
 * try (TimelineWriter out = TimelineWriter.create(path))
 * {
 *     out.begin(TimelineFormat.FIGURE).writeStringField("name", "kill -9 to serving");
 *     out.end();
 * }
 * }</pre>
 * Not thread-safe: one writer per file, on one thread.
 */
public final class TimelineWriter implements Closeable
{
    private static final JsonFactory JSON = new JsonFactory();

    private final OutputStream out;
    private final JsonGenerator json;

    private TimelineWriter(final OutputStream out) throws IOException
    {
        this.out = out;
        this.json = JSON.createGenerator(out, JsonEncoding.UTF8)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
            .setRootValueSeparator(null); // one object a line, nothing between
    }

    /**
     * @return a writer of a new file at {@code path}, replacing one that is there.
     */
    public static TimelineWriter create(final Path path) throws IOException
    {
        return new TimelineWriter(Files.newOutputStream(path));
    }

    /**
     * @return a writer that adds records at the end of the file at {@code path}.
     */
    public static TimelineWriter append(final Path path) throws IOException
    {
        return new TimelineWriter(Files.newOutputStream(path, StandardOpenOption.APPEND));
    }

    /**
     * Starts a record of kind {@code record}: write its fields to the generator returned, then call {@link #end()}.
     */
    public JsonGenerator begin(final String record) throws IOException
    {
        json.writeStartObject();
        json.writeStringField(TimelineFormat.RECORD, record);
        return json;
    }

    /**
     * Ends the record begun and writes its line to the file.
     */
    public void end() throws IOException
    {
        json.writeEndObject();
        json.writeRaw('\n');
        json.flush();
        out.flush();
    }

    /**
     * Writes a whole record that is already one JSON object, without its line end.
     */
    public void raw(final String object) throws IOException
    {
        json.flush();
        out.write((object + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * Writes {@code value} as a number with {@code decimals} digits after the point, or null when it is not finite.
     */
    public static void number(final JsonGenerator json, final String name, final double value, final int decimals)
        throws IOException
    {
        json.writeFieldName(name);
        if (Double.isFinite(value))
        {
            // plain digits, never 1.2E7, whatever the magnitude
            json.writeNumber(BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP).toPlainString());
        }
        else
        {
            json.writeNull();
        }
    }

    public void close() throws IOException
    {
        try
        {
            json.close();
        }
        finally
        {
            out.close();
        }
    }
}
