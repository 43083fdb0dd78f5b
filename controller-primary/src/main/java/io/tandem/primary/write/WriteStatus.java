package io.tandem.primary.write;

/**
 * How a request to the write path ended, in the write path's own terms; the front end that serves the volume
 * (NBD, see {@code MirroredVolume}) says it to its clients in theirs.
 */
public enum WriteStatus
{
    /** Done: a write is durable in the local NVLog and acknowledged by the partner (or by the pool alone). */
    OK,
    /** The write path could not take the request: no request slot was free, or the cache could not load a page. */
    IO_ERROR,
    /** The pool is full: consistency points cannot make room, and the request waited as long as it may. */
    NO_SPACE,
    /** The controller stopped serving (fenced, or handing the volume over): nothing more is written. */
    SHUT_DOWN
}
