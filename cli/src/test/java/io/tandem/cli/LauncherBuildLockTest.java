package io.tandem.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launcher as a new user meets it: two launchers started together on a fresh clone. The real `tandem` script
 * runs in a copy of the repository's root where `mvn` and `java` are stand-ins: the build takes a second, writing
 * the jar half first, and `java` fails if the jar it is given is not whole. Without the launcher's lock both
 * launchers build at once and one runs a half-written jar.
 */
class LauncherBuildLockTest
{
    @Test
    void twoLaunchersOnAFreshCloneBuildOnceAndBothRunAWholeJar(@TempDir final Path root) throws Exception
    {
        Files.copy(Path.of("..", "tandem").toAbsolutePath().normalize(), root.resolve("tandem"));
        executable(root.resolve("tandem"));
        final Path bin = Files.createDirectories(root.resolve("bin"));
        script(bin.resolve("mvn"),
            "echo build >> builds.log",
            "mkdir -p cli/target/classes",
            "echo half > cli/target/tandem.jar",
            "echo -Xss1m > cli/target/classes/tandem-jvm.flags",
            "sleep 1",
            "echo whole > cli/target/tandem.jar");
        script(bin.resolve("java"),
            "jar=\"${@: -2:1}\"",
            "[ \"$(cat \"$jar\")\" = whole ] || { echo \"ran a half-written jar\" >&2; exit 9; }");

        final Process first = launch(root, bin, "first.out");
        final Process second = launch(root, bin, "second.out");
        assertTrue(first.waitFor(60, TimeUnit.SECONDS) && second.waitFor(60, TimeUnit.SECONDS), "launchers hung");

        assertEquals(0, first.exitValue(), Files.readString(root.resolve("first.out")));
        assertEquals(0, second.exitValue(), Files.readString(root.resolve("second.out")));
        assertEquals(List.of("build"), Files.readAllLines(root.resolve("builds.log")), "the jar was built twice");
    }

    private static Process launch(final Path root, final Path bin, final String output) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(root.resolve("tandem").toString(), "--version")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve(output).toFile());
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("JAVA", bin.resolve("java").toString());
        return builder.start();
    }

    private static void script(final Path file, final String... lines) throws IOException
    {
        Files.writeString(file, "#!/usr/bin/env bash\nset -e\n" + String.join("\n", lines) + "\n");
        executable(file);
    }

    private static void executable(final Path file) throws IOException
    {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
