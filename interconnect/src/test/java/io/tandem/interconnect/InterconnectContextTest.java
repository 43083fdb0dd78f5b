package io.tandem.interconnect;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterconnectContextTest
{
    @Test
    void defaultsConclude()
    {
        final InterconnectContext ctx = new InterconnectContext().endpointName("primary").conclude();
        assertEquals(2, ctx.pathCount());
        assertEquals("127.0.0.1", ctx.pathAddress(1));
        assertNotNull(ctx.nanoClock());
        assertNotNull(ctx.idleStrategy());
        assertEquals(ctx.directory().resolve("primary"), ctx.aeronDirectory());
    }

    @Test
    void addressesPerPathWithTheLastRepeated()
    {
        final InterconnectContext ctx = new InterconnectContext().endpointName("p")
            .pathCount(3).pathAddresses("127.0.0.1,127.0.0.2").conclude();
        assertEquals("127.0.0.1", ctx.pathAddress(0));
        assertEquals("127.0.0.2", ctx.pathAddress(1));
        assertEquals("127.0.0.2", ctx.pathAddress(2));
    }

    @Test
    void refusesBadSettings()
    {
        assertThrows(IllegalArgumentException.class, () -> base().pathCount(0).conclude());
        assertThrows(IllegalArgumentException.class, () -> base().pathCount(9).conclude());
        assertThrows(IllegalArgumentException.class, () -> base().pathAddresses("10.0.0.1").conclude());
        assertThrows(IllegalArgumentException.class, () -> base().windowRecords(100).conclude());
        assertThrows(IllegalArgumentException.class, () -> base().windowBytes(1024).conclude());
        assertThrows(IllegalArgumentException.class, () -> base().mtuLength(1000).conclude());
        // a term whose eighth (Aeron's largest message) is shorter than a frame of the largest record
        final IllegalArgumentException shortTerm = assertThrows(IllegalArgumentException.class, () ->
            base().maxRecordLength(16 * 1024).windowBytes(2 * (16 * 1024 + 64)).termLength(128 * 1024).conclude());
        assertTrue(shortTerm.getMessage().contains("an eighth of a term"), shortTerm.getMessage());
        base().maxRecordLength(16 * 1024 - 64).windowBytes(2 * (16 * 1024)).termLength(128 * 1024).conclude();
        assertThrows(IllegalArgumentException.class, () -> base().receiverWindow(32 * 1024).conclude());
        assertThrows(IllegalArgumentException.class, () -> base().ackPortBase(base().dataPortBase() + 1).conclude());
        assertThrows(IllegalArgumentException.class, () -> base().pathTimeoutNs(1).conclude());
        assertThrows(IllegalArgumentException.class, () -> base().endpointName("a/b").conclude());
        assertThrows(IllegalArgumentException.class, () -> base().directory(null).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> base().streamCount(2).firstSequences(new long[]{1}).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> base().streamCount(1).firstSequences(new long[]{0}).conclude());
        assertThrows(IllegalStateException.class, () -> base().conclude().conclude());
    }

    private static InterconnectContext base()
    {
        return new InterconnectContext().endpointName("p").directory(Path.of("/tmp"));
    }
}
