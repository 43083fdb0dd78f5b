package io.tandem.controller.pool;

import java.io.IOException;

/**
 * A change to the superblock made under the pool's lock by {@link SuperblockStore#update}.
 */
@FunctionalInterface
public interface SuperblockUpdate
{
    /**
     * @param superblock the current superblock, to change in place.
     * @return true to store the change; false to leave the superblock as it was (a fenced caller, say).
     * @throws IOException if the change needs I/O of its own (the allocation map a CP records) and it failed: the
     *                     superblock is left as it was.
     */
    boolean apply(Superblock superblock) throws IOException;
}
