package io.tandem.interconnect.path;

import io.aeron.ChannelUri;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathChannelsTest
{
    @Test
    void aliasNamesThePathForTheFaultInjector()
    {
        assertEquals(3, PathChannels.pathOf(ChannelUri.parse(
            PathChannels.dataPublication(3, "127.0.0.4", 20000, 65504, 1 << 24))));
        assertEquals(7, PathChannels.pathOf(ChannelUri.parse(PathChannels.ackSubscription(7, "127.0.0.1", 20001))));
        assertEquals(-1, PathChannels.pathOf(ChannelUri.parse("aeron:udp?endpoint=127.0.0.1:1234")));
        assertEquals(-1, PathChannels.pathOf("tandem-path-x-data"));
        assertEquals(-1, PathChannels.pathOf("other"));
    }

    @Test
    void channelsCarryAddressPortAndMtu()
    {
        final ChannelUri uri = ChannelUri.parse(PathChannels.dataPublication(1, "127.0.0.2", 20001, 65504, 1 << 24));
        assertEquals("127.0.0.2:20001", uri.get("endpoint"));
        assertEquals("65504", uri.get("mtu"));
        assertEquals(Integer.toString(1 << 24), uri.get("term-length"));
    }

    @Test
    void theDataSubscriptionAsksForAReceiverWindowItsReceiveBufferHolds()
    {
        final ChannelUri uri = ChannelUri.parse(PathChannels.dataSubscription(0, "127.0.0.1", 20000, 1 << 21));
        // Linux's own default for net.core.rmem_max is 208 KiB; a limit below that was misread
        assertTrue(PathChannels.receiveBufferLimit() >= 208 * 1024, "rmem_max " + PathChannels.receiveBufferLimit());
        final int expected = Math.min(1 << 21, PathChannels.receiveBufferLimit());
        assertEquals(Integer.toString(expected), uri.get("rcv-wnd"));
        assertEquals(uri.get("rcv-wnd"), uri.get("so-rcvbuf"));

        final ChannelUri huge = ChannelUri.parse(
            PathChannels.dataSubscription(0, "127.0.0.1", 20000, Integer.MAX_VALUE - 1));
        assertTrue(Integer.parseInt(huge.get("rcv-wnd")) <= PathChannels.receiveBufferLimit());
    }
}
