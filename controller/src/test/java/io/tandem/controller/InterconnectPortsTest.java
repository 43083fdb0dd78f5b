package io.tandem.controller;

import io.tandem.interconnect.InterconnectContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each controller's interconnect ports are its own: the primary sends to the data ports its partner binds as
 * receiver and binds its own ack ports, so on one host a controller that has just changed role never binds a port
 * its partner, changing role at the same moment, still holds (a giveback's new secondary used to fail its first
 * mirror session on "address already in use" and reload its NVRAM).
 */
class InterconnectPortsTest
{
    private static ControllerContext controller(final int id)
    {
        return new ControllerContext().controllerId(id).pathCount(2).dataPortBase(24610).ackPortBase(24630);
    }

    @Test
    void aPrimaryMeetsItsPartnersReceiverOnPortsNoOtherRoleBinds()
    {
        for (int primary = 0; primary < 2; primary++)
        {
            final InterconnectContext sender = controller(primary).newInterconnect(5, true, null);
            final InterconnectContext receiver = controller(1 - primary).newInterconnect(5, false, null);
            assertEquals(receiver.dataPortBase(), sender.dataPortBase(), "the sender sends where the receiver binds");
            assertEquals(receiver.ackPortBase(), sender.ackPortBase(), "the receiver acks where the sender binds");
        }
        // the ports a controller binds as receiver (data) and as sender (ack) are not its partner's
        assertNotEquals(controller(0).newInterconnect(5, false, null).dataPortBase(),
            controller(1).newInterconnect(5, false, null).dataPortBase());
        assertNotEquals(controller(0).newInterconnect(5, true, null).ackPortBase(),
            controller(1).newInterconnect(5, true, null).ackPortBase());
        assertEquals(24612, controller(1).newInterconnect(5, false, null).dataPortBase());
        assertEquals(24632, controller(1).newInterconnect(5, true, null).ackPortBase());
    }

    @Test
    void basesTooCloseForBothControllersPortsAreRefused()
    {
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () ->
            controller(0).dataPortBase(24610).ackPortBase(24613).dataDir(java.nio.file.Path.of("unused")).conclude());
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("at least 4 apart"),
            refused.getMessage());
    }
}
