package io.tandem.cli.pair;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a controller's {@code /metrics} in the Prometheus text format, as a test reads it: each family's
 * type from its {@code # TYPE} line, and every sample with its labels.
 */
final class Scrape
{
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    record Sample(String name, Map<String, String> labels, double value)
    {
    }

    final Map<String, String> types = new TreeMap<>();
    final List<Sample> samples = new ArrayList<>();
    final String text;

    private Scrape(final String text)
    {
        this.text = text;
        for (final String line : text.split("\n"))
        {
            if (line.startsWith("# TYPE "))
            {
                final String[] words = line.split(" ");
                types.put(words[2], words[3]);
                continue;
            }
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches())
            {
                throw new AssertionError("not a sample line: " + line);
            }
            final Map<String, String> labels = new HashMap<>();
            if (null != sample.group(3))
            {
                final Matcher label = LABEL.matcher(sample.group(3));
                while (label.find())
                {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4))));
        }
    }

    /**
     * @return the scrape of {@code http://127.0.0.1:PORT/metrics}.
     * @throws IOException if nothing answers there.
     */
    static Scrape of(final int port) throws IOException
    {
        final HttpURLConnection connection =
            (HttpURLConnection)URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        try (InputStream in = connection.getInputStream())
        {
            if (200 != connection.getResponseCode())
            {
                throw new IOException("HTTP " + connection.getResponseCode());
            }
            return new Scrape(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        finally
        {
            connection.disconnect();
        }
    }

    /**
     * @return the scrape, or null if nothing answers.
     */
    static Scrape orNull(final int port)
    {
        try
        {
            return of(port);
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * @return the value of the sample {@code name} with exactly these labels (name, value, ...).
     */
    double value(final String name, final String... labels)
    {
        final Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i + 1 < labels.length; i += 2)
        {
            wanted.put(labels[i], labels[i + 1]);
        }
        for (final Sample sample : samples)
        {
            if (sample.name().equals(name) && sample.labels().equals(wanted))
            {
                return sample.value();
            }
        }
        throw new AssertionError("no sample " + name + wanted + " in the scrape:\n" + text);
    }

    boolean has(final String name)
    {
        return samples.stream().anyMatch(sample -> sample.name().equals(name));
    }
}
