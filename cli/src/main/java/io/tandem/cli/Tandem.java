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
}
