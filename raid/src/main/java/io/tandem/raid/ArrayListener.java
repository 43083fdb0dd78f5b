package io.tandem.raid;

/**
 * Told of each change of an array's membership, on the thread that made it (under the array's state lock: do not
 * call back into the array).
 */
@FunctionalInterface
public interface ArrayListener
{
    ArrayListener NONE = (slot, member, from, age) -> {};

    /**
     * Slot {@code slot} now holds {@code member} in the state it has now; it was {@code from} (null for a slot
     * newly filled). The array's age after the change is {@code age}.
     */
    void memberChanged(int slot, Member member, MemberState from, long age);
}
