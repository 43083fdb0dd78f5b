package io.tandem.controller.pool;

/**
 * A change to the superblock made under the pool's lock by {@link SuperblockStore#update}.
 */
@FunctionalInterface
public interface SuperblockUpdate
{
    /**
     * @param superblock the current superblock, to change in place.
     * @return true to store the change; false to leave the superblock as it was (a fenced caller, say).
     */
    boolean apply(Superblock superblock);
}
