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
        System.exit(TandemCommand.newCommandLine().execute(args));
    }
}
