package io.wildcloud.ws.sockjs.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * What the store said to a receiver before its connection was active (the claim's answer, the
 * service's admission or the open frame still on their way), in order, to run once it is, or to
 * drop when it never will be. Event loop only.
 */
final class EarlyEvents {

    private List<Runnable> events;

    void add(Runnable event) {
        if (events == null) {
            events = new ArrayList<>(2);
        }
        events.add(event);
    }

    void drop() {
        events = null;
    }

    /** Runs and forgets what waited; {@code stillActive} is asked before each, which may end the connection. */
    void runWhile(java.util.function.BooleanSupplier stillActive) {
        List<Runnable> waiting = events;
        events = null;
        if (waiting != null) {
            for (Runnable event : waiting) {
                if (!stillActive.getAsBoolean()) {
                    return;
                }
                event.run();
            }
        }
    }
}
