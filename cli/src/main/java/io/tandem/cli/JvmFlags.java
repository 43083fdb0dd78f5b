package io.tandem.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The JVM flags every tandem JVM needs, defined once as the root pom's {@code tandem.jvm.flags} and filtered by
 * the build into the resource {@value #RESOURCE} (also {@code cli/target/classes/tandem-jvm.flags}, which
 * {@code ./tandem} reads to start the launcher). Commands that start another JVM (a controller, a demo) pass
 * {@link #flags()} to it.
 * <p>
 * Stateless; thread-safe.
 */
public final class JvmFlags
{
    public static final String RESOURCE = "/tandem-jvm.flags";

    private JvmFlags()
    {
    }

    /**
     * @return the flags, one element each.
     * @throws IllegalStateException the resource is missing or was not filtered (built without Maven).
     */
    public static List<String> flags()
    {
        try (InputStream in = JvmFlags.class.getResourceAsStream(RESOURCE))
        {
            if (null == in)
            {
                throw new IllegalStateException(RESOURCE + " is not on the class path: build with Maven");
            }
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            if (text.contains("${"))
            {
                throw new IllegalStateException(RESOURCE + " was not filtered by the build: " + text);
            }
            final List<String> flags = new ArrayList<>();
            for (final String flag : text.split("\\s+"))
            {
                if (!flag.isEmpty())
                {
                    flags.add(flag);
                }
            }
            return Collections.unmodifiableList(flags);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
