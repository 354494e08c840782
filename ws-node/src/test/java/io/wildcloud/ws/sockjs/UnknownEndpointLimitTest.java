package io.wildcloud.ws.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The budget's arithmetic on a clock the test turns: burst, refill, whom it spares, IPv6 /64s. */
class UnknownEndpointLimitTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void anAddressHasItsBurstThenItsRate() throws Exception {
        UnknownEndpointLimit limit = new UnknownEndpointLimit(2, 5);
        InetAddress client = InetAddress.getByName("192.0.2.1");
        long now = 1_000 * SECOND;
        for (int i = 0; i < 5; i++) {
            assertTrue(limit.mayAsk(client, "guess" + i, now), "within the burst: " + i);
            limit.notFound(client, now);
        }
        assertFalse(limit.mayAsk(client, "guess", now), "past the burst");
        assertTrue(limit.mayAsk(InetAddress.getByName("192.0.2.2"), "guess", now), "another address has its own");
        assertFalse(limit.mayAsk(client, "guess", now + SECOND / 4), "half a token back");
        assertTrue(limit.mayAsk(client, "guess", now + SECOND / 2), "a token back after half a second at 2 a second");
        limit.notFound(client, now + SECOND / 2);
        assertFalse(limit.mayAsk(client, "guess", now + SECOND / 2));
    }

    @Test
    void offByDefaultItNeverRefusesAnAddress() throws Exception {
        PeerPolicy defaults = PeerPolicy.defaults();
        UnknownEndpointLimit limit = new UnknownEndpointLimit(defaults.maxUnknownPerSecond(), defaults.unknownBurst());
        InetAddress balancer = InetAddress.getByName("192.0.2.1");
        long now = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            limit.notFound(balancer, now);
        }
        assertTrue(limit.mayAsk(balancer, "guess", now), "1,000 unknown sockets through one untrusted balancer");
    }

    @Test
    void anEndpointFoundLiveIsAskedAboutWhateverItsAddressSpent() throws Exception {
        UnknownEndpointLimit limit = new UnknownEndpointLimit(1, 1);
        InetAddress nat = InetAddress.getByName("198.51.100.7");
        long now = 1_000 * SECOND;
        limit.live("users-socket", now);
        limit.notFound(nat, now);
        assertFalse(limit.mayAsk(nat, "guess", now));
        assertTrue(limit.mayAsk(nat, "users-socket", now));
        assertTrue(limit.mayAsk(nat, "users-socket", now + UnknownEndpointLimit.LIVE_NANOS));
        limit.notFound(nat, now + UnknownEndpointLimit.LIVE_NANOS + 1);
        assertFalse(limit.mayAsk(nat, "users-socket", now + UnknownEndpointLimit.LIVE_NANOS + 1),
                "not met for longer than the live window: unknown again");
    }

    @Test
    void anIpv6SubscriberIsOneSlash64() throws Exception {
        UnknownEndpointLimit limit = new UnknownEndpointLimit(1, 1);
        long now = 1_000 * SECOND;
        limit.notFound(InetAddress.getByName("2001:db8:1:2::1"), now);
        assertFalse(limit.mayAsk(InetAddress.getByName("2001:db8:1:2:ffff::9"), "guess", now), "same /64");
        assertTrue(limit.mayAsk(InetAddress.getByName("2001:db8:1:3::1"), "guess", now), "another /64");
        assertEquals(InetAddress.getByName("2001:db8:1:2::"), UnknownEndpointLimit.key(
                InetAddress.getByName("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
    }

    @Test
    void noAddressNoBudget() {
        UnknownEndpointLimit limit = new UnknownEndpointLimit(1, 1);
        limit.notFound(null, 0);
        limit.notFound(null, 0);
        assertTrue(limit.mayAsk(null, "guess", 0), "an embedded channel has no address: not limited");
    }
}
