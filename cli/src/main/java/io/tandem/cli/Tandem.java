package io.tandem.cli;

/**
 * The launcher's entry point, the jar's Main-Class: runs {@link TandemCommand} and exits with its code.
 */
public final class Tandem
{
    private Tandem()
    {
    }

    public static void main(final String[] args)
    {
        quietLogging();
        final String[] expanded;
        try
        {
            expanded = ConfigFile.expand(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("tandem: " + ex.getMessage());
            System.exit(ExitCodes.USAGE);
            return;
        }
        System.exit(TandemCommand.newCommandLine().execute(expanded));
    }

    /**
     * Chronicle logs through SLF4J, and tandem ships no SLF4J binding: without these SLF4J warns on stderr, before
     * the launcher's own messages, that it found none. An explicit -D setting wins.
     */
    private static void quietLogging()
    {
        if (null == System.getProperty("slf4j.provider"))
        {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
    }
}
