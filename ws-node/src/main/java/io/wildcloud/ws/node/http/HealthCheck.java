package io.wildcloud.ws.node.http;

/** Whether this node can serve: its engine reachable, its subscriptions in place. */
@FunctionalInterface
public interface HealthCheck {

    /**
     * {@code null} when healthy, otherwise what is wrong, for the 503 body. Called on an event loop
     * for every probe: must only read state that other threads keep current (the expiry sweep and
     * the presence check set volatile fields), never ask Redis or wait, so that a probe's answer
     * costs one event-loop turn however slow the store is.
     */
    String problem();
}
