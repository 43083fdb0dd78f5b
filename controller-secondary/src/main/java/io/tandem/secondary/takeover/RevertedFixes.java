package io.tandem.secondary.takeover;

/**
 * Fixes a test may revert, to show that the deterministic simulator finds the defect they fixed: a simulator
 * that has never failed has not been shown to work. Each is read once, from a system property that nothing but
 * such a test sets (in a JVM of its own); a controller run any other way has every fix.
 */
public final class RevertedFixes
{
    /**
     * {@code -Dtandem.test.revert.mirrorGenerations=true}: the code before mirror generations. A new mirror
     * session starts from an empty log, and the takeover ignores generations, so a secondary restarted just
     * before the primary dies takes over from an empty mirror (acknowledged writes lost).
     */
    public static final boolean MIRROR_GENERATIONS = Boolean.getBoolean("tandem.test.revert.mirrorGenerations");

    private RevertedFixes()
    {
    }
}
