package io.tandem.staging;

/**
 * What a completed write survives.
 */
public enum Durability
{
    /**
     * The bytes were handed to the kernel ({@code pwrite}) before the write completed: they survive kill -9 of
     * this JVM, not the machine losing power.
     */
    PROCESS,

    /**
     * The bytes were also forced to the device ({@code fdatasync}) before the write completed: they survive the
     * machine losing power. Many writes share one force (group commit).
     */
    POWER
}
