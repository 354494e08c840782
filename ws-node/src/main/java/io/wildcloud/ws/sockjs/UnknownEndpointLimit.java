package io.wildcloud.ws.sockjs;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A budget per client address of requests for endpoints that do not exist. A request names its
 * endpoint (a socket id) in its path, and finding out that none exists costs a store read; a client
 * naming endpoint after endpoint that nobody holds (guessing socket ids: 192 random bits, so a
 * well-formed unknown id is an attacker or a socket long expired) would make every request cost
 * one. So each client address has a token bucket that each 404 answered after asking the store
 * spends ({@link #notFound}); once it is empty, the address's requests are answered 404 at once,
 * without asking ({@link #mayAsk} false), until it refills.
 *
 * <p>Only unknown endpoints spend it, and an endpoint the store found live on this node lately is
 * always asked about: many users behind one address (a NAT) with live sockets are served whatever
 * that address spent. A live endpoint this node has not met for {@link #LIVE_NANOS} is treated as
 * unknown while its address's budget is empty.
 *
 * <p>Off unless set ({@code perSecond} 0): behind a balancer that is not in {@code trusted-proxies},
 * or a carrier-grade NAT, one address is thousands of users, and once it has spent its budget a
 * live socket a node has not met yet is answered 404 too: one client guessing ids would end the
 * new sessions of everyone behind the same address. An operator who knows the node sees its
 * clients' own addresses turns it on.
 *
 * <p>IPv6 clients are counted per /64, which one subscriber usually gets whole. Both maps are
 * bounded ({@link KeyedBuckets}): at their bound, full budgets and old sightings go first. A
 * request answered after the budget ran out still spends nothing below zero: requests in flight
 * when it runs out are answered as they come (at most one per open connection of the address).
 */
public final class UnknownEndpointLimit {

    static final int MAX_ADDRESSES = 65_536;
    static final int MAX_LIVE = 65_536;
    /** How long an endpoint found live here is asked about whatever its client spent. */
    static final long LIVE_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final boolean on;
    private final double tokensPerNano;
    private final int burst;
    private final KeyedBuckets<InetAddress, Budget> budgets = new KeyedBuckets<>(MAX_ADDRESSES);
    private final KeyedBuckets<String, Sighting> live = new KeyedBuckets<>(MAX_LIVE);

    public UnknownEndpointLimit(int perSecond, int burst) {
        this.on = perSecond > 0;
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
    }

    /** Whether the budget is set at all: off, a request pays nothing for it (no clock, no address). */
    public boolean isOn() {
        return on;
    }

    /** Whether {@code client}'s request for {@code prefix} may ask the store whether it exists. */
    public boolean mayAsk(InetAddress client, String prefix, long nowNanos) {
        if (!on || client == null) {
            return true;
        }
        Sighting seen = live.existing(prefix);
        if (seen != null && !seen.isFull(nowNanos)) {
            return true;
        }
        Budget budget = budgets.existing(key(client));
        return budget == null || budget.hasToken(nowNanos);
    }

    /** As {@link #notFound(InetAddress, long)} now. */
    public void notFound(InetAddress client) {
        if (on) {
            notFound(client, System.nanoTime());
        }
    }

    /** A request of {@code client} was answered 404 after the store was asked: one token spent. */
    public void notFound(InetAddress client, long nowNanos) {
        if (on && client != null) {
            budgets.of(key(client), nowNanos, Budget::new).spend(nowNanos);
        }
    }

    /** As {@link #live(String, long)} now; the clock is read only if the budget is on. */
    public void live(String prefix) {
        if (on) {
            live(prefix, System.nanoTime());
        }
    }

    /** The store found {@code prefix} live (or one of its sessions open). */
    public void live(String prefix, long nowNanos) {
        if (on) {
            live.of(prefix, nowNanos, Sighting::new).seen(nowNanos);
        }
    }

    /** An IPv6 address's /64; an IPv4 address itself. */
    static InetAddress key(InetAddress client) {
        if (!(client instanceof Inet6Address)) {
            return client;
        }
        byte[] network = Arrays.copyOf(client.getAddress(), 16);
        Arrays.fill(network, 8, 16, (byte) 0);
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 16 bytes are always an address
        }
    }

    /** One address's tokens; several event loops may serve it at once. */
    private final class Budget implements KeyedBuckets.Bucket {

        private double tokens = burst;
        private long refilledAt;

        Budget(long nowNanos) {
            this.refilledAt = nowNanos;
        }

        synchronized boolean hasToken(long nowNanos) {
            refill(nowNanos);
            return tokens >= 1;
        }

        synchronized void spend(long nowNanos) {
            refill(nowNanos);
            tokens = Math.max(0, tokens - 1);
        }

        @Override
        public synchronized boolean isFull(long nowNanos) {
            refill(nowNanos);
            return tokens >= burst;
        }

        private void refill(long nowNanos) {
            if (nowNanos > refilledAt) {
                tokens = Math.min(burst, tokens + (nowNanos - refilledAt) * tokensPerNano);
                refilledAt = nowNanos;
            }
        }
    }

    /** When an endpoint was last found live; forgettable once older than {@link #LIVE_NANOS}. */
    private static final class Sighting implements KeyedBuckets.Bucket {

        private volatile long seenAt;

        Sighting(long nowNanos) {
            this.seenAt = nowNanos;
        }

        void seen(long nowNanos) {
            seenAt = nowNanos;
        }

        @Override
        public boolean isFull(long nowNanos) {
            return nowNanos - seenAt > LIVE_NANOS;
        }
    }
}
