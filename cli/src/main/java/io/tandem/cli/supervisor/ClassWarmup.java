package io.tandem.cli.supervisor;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
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
        final List<String> names = new ArrayList<>();
        for (final Class<?> anchor : anchors)
        {
            collect(anchor, names);
        }
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

    private static void collect(final Class<?> anchor, final List<String> names)
    {
        final CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (null == source || null == source.getLocation())
        {
            return;
        }
        final String prefix = anchor.getPackageName().replace('.', '/') + '/';
        try
        {
            final Path location = Path.of(source.getLocation().toURI());
            if (Files.isDirectory(location))
            {
                try (Stream<Path> files = Files.walk(location.resolve(prefix)))
                {
                    files.map(file -> location.relativize(file).toString().replace('\\', '/'))
                        .filter(ClassWarmup::isClass)
                        .forEach(entry -> names.add(className(entry)));
                }
            }
            else
            {
                try (JarFile jar = new JarFile(location.toFile()))
                {
                    jar.stream().map(JarEntry::getName)
                        .filter(entry -> entry.startsWith(prefix) && isClass(entry))
                        .forEach(entry -> names.add(className(entry)));
                }
            }
        }
        catch (final IOException | URISyntaxException | RuntimeException ex)
        {
            // nothing to warm from this anchor: the roles load their classes when they need them
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
