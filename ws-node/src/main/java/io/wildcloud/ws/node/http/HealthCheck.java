package io.wildcloud.ws.node.http;

/** Whether this node can serve: its engine reachable, its subscriptions in place. */
@FunctionalInterface
public interface HealthCheck {

    /** {@code null} when healthy, otherwise what is wrong, for the 503 body. */
    String problem();
}
