package io.tandem.cli.supervisor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Loads, links and initialises the classes of a controller's roles ahead of need, on a background thread, so that
 * a role change does not load them on its own path. A controller restarted after a failure comes back as the
 * secondary; the giveback that follows made it load, verify and initialise every class of the primary's start and
 * write path while the client waited (the start took 90-135 ms there against 30-40 ms in a controller that had
 * served before).
 * <p>
 * The classes are those under the given packages in the jar or class directory each anchor class came from. A
 * class that fails to load is counted and skipped: a warm-up is never a reason to fail.
 * <p>
 * Thread-safe: {@link #run()} once, on its own thread.
 */
final class ClassWarmup implements Runnable
{
    private static final String CLASS_SUFFIX = ".class";

    private final Class<?>[] anchors;
    private final ClassLoader loader;
    private volatile int loaded;
    private volatile int failed;
    private volatile long tookNs;

    /**
     * @param anchors a class of each package tree to warm: its package and every package under it.
     */
    ClassWarmup(final Class<?>... anchors)
    {
        this.anchors = anchors;
        this.loader = anchors[0].getClassLoader();
    }

    public void run()
    {
        final long startNs = System.nanoTime();
        // the anchors' package trees, by the jar or directory they came from: each is read once
        final Map<Path, List<String>> prefixesByLocation = new LinkedHashMap<>();
        for (final Class<?> anchor : anchors)
        {
            final Path location = location(anchor);
            if (null != location)
            {
                prefixesByLocation.computeIfAbsent(location, any -> new ArrayList<>())
                    .add(anchor.getPackageName().replace('.', '/') + '/');
            }
        }
        final List<String> names = new ArrayList<>();
        prefixesByLocation.forEach((location, prefixes) -> collect(location, prefixes, names));
        int loadedCount = 0;
        int failedCount = 0;
        for (final String name : names)
        {
            try
            {
                Class.forName(name, true, loader);
                loadedCount++;
            }
            catch (final Throwable ex)
            {
                failedCount++;
            }
        }
        loaded = loadedCount;
        failed = failedCount;
        tookNs = System.nanoTime() - startNs;
    }

    int loaded()
    {
        return loaded;
    }

    int failed()
    {
        return failed;
    }

    long tookNs()
    {
        return tookNs;
    }

    private static Path location(final Class<?> anchor)
    {
        final CodeSource source = anchor.getProtectionDomain().getCodeSource();
        try
        {
            return null == source || null == source.getLocation() ? null : Path.of(source.getLocation().toURI());
        }
        catch (final URISyntaxException | RuntimeException ex)
        {
            return null; // nothing to warm from this anchor: the roles load its classes when they need them
        }
    }

    private static void collect(final Path location, final List<String> prefixes, final List<String> names)
    {
        final boolean directory = Files.isDirectory(location);
        try (JarFile jar = directory ? null : new JarFile(location.toFile());
            Stream<String> entries = directory ?
                Files.walk(location).map(file -> location.relativize(file).toString().replace('\\', '/')) :
                jar.stream().map(JarEntry::getName))
        {
            entries.filter(entry -> isClass(entry) && prefixes.stream().anyMatch(entry::startsWith))
                .forEach(entry -> names.add(className(entry)));
        }
        catch (final IOException | RuntimeException ex)
        {
            // nothing to warm from there: the roles load their classes when they need them
        }
    }

    private static boolean isClass(final String entry)
    {
        return entry.endsWith(CLASS_SUFFIX) && !entry.endsWith("module-info.class") &&
            !entry.endsWith("package-info.class");
    }

    private static String className(final String entry)
    {
        return entry.substring(0, entry.length() - CLASS_SUFFIX.length()).replace('/', '.');
    }
}
