package io.tandem.cli.nbd;

import io.tandem.controller.nbd.NbdProtocol;

/**
 * Receives the replies of an {@link NbdClientConnection}, on the thread that calls
 * {@link NbdClientConnection#receive(NbdReplyHandler)}.
 */
@FunctionalInterface
public interface NbdReplyHandler
{
    /**
     * One reply. For a successful READ the data is in {@link NbdClientConnection#slotData(int)} from 0 to the
     * request's length. The slot is freed when this returns, so the data must be used here.
     *
     * @param slot    the slot the request was submitted in.
     * @param command {@link NbdProtocol#CMD_READ}, {@link NbdProtocol#CMD_WRITE} or {@link NbdProtocol#CMD_FLUSH}.
     * @param error   {@link NbdProtocol#OK} or the NBD error the server sent.
     */
    void onReply(int slot, int command, int error);
}
