package io.wildcloud.ws.node.http;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/** How many connections (or requests) each client address holds now, against a cap. */
final class AddressCounts {

    private final int cap;
    private final ConcurrentHashMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    AddressCounts(int cap) {
        this.cap = cap;
    }

    /** Counts one more for {@code address}; {@code false} (nothing counted) when it holds the cap already. */
    boolean tryAcquire(InetAddress address) {
        boolean[] acquired = new boolean[1];
        counts.compute(address, (key, count) -> {
            int now = count == null ? 0 : count;
            if (now >= cap) {
                return count;
            }
            acquired[0] = true;
            return now + 1;
        });
        return acquired[0];
    }

    void release(InetAddress address) {
        // Removing the entry at zero keeps the map as small as the set of addresses connected now.
        counts.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
    }

    int count(InetAddress address) {
        return counts.getOrDefault(address, 0);
    }
}
