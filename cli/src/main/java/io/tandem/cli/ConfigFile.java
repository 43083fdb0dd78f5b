package io.tandem.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Expands {@code --config FILE} on a command line into the options the file holds, in its place, so the
 * options given after it on the command line win (the launcher lets a later option overwrite an earlier one).
 * The file is a Java properties file whose keys are long option names without the dashes:
 * <pre>
 *  # tandem.properties
 *  data-dir=/var/lib/tandem
 *  paths=4
 *  durability=power
 * </pre>
 * Stateless; thread-safe.
 */
public final class ConfigFile
{
    private ConfigFile()
    {
    }

    /**
     * @return the command line with every {@code --config FILE} (or {@code --config=FILE}) replaced by the
     * options in FILE.
     * @throws IllegalArgumentException naming the file if it cannot be read.
     */
    public static String[] expand(final String[] args)
    {
        final List<String> expanded = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            String file = null;
            if ("--config".equals(arg) && i + 1 < args.length)
            {
                file = args[++i];
            }
            else if (arg.startsWith("--config="))
            {
                file = arg.substring("--config=".length());
            }
            if (null == file)
            {
                expanded.add(arg);
                continue;
            }
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8))
            {
                properties.load(reader);
            }
            catch (final IOException ex)
            {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + ex.getMessage(), ex);
            }
            for (final String key : new TreeSet<>(properties.stringPropertyNames()))
            {
                expanded.add("--" + key.trim() + "=" + properties.getProperty(key).trim());
            }
        }
        return expanded.toArray(new String[0]);
    }
}
