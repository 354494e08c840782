package io.wildcloud.ws.sockjs.router;

import io.wildcloud.ws.sockjs.SockJsEndpointResolver;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.session.SessionExpiryListener;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import io.wildcloud.ws.sockjs.transport.StoreBackedSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a session's service that the session expired. The store knows only the session's scope,
 * so the endpoint is found again through the resolver, which must resolve a scope as a prefix
 * (true for the test endpoints, whose scope is their prefix, and for sockets, whose id is both).
 * An endpoint that accepts no new sessions (a revoked socket) is still told: its service cleans up.
 */
final class ExpiryNotifier implements SessionExpiryListener {

    private static final Logger log = LoggerFactory.getLogger(ExpiryNotifier.class);

    private final SockJsEndpointResolver resolver;
    private final SessionStore store;
    private final SockJsMetrics metrics;

    ExpiryNotifier(SockJsEndpointResolver resolver, SessionStore store, SockJsMetrics metrics) {
        this.resolver = resolver;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public void expired(SessionKey key) {
        metrics.sessionClosed(SockJsMetrics.CloseReason.EXPIRED);
        resolver.resolve(key.scope()).whenComplete((endpoint, error) -> {
            if (error != null) {
                log.warn("session {}: expired, but its endpoint could not be resolved: {}", key, error.toString());
            } else if (endpoint.isPresent()) {
                try {
                    endpoint.get().service().onClose(new StoreBackedSession(key, store, endpoint.get().service(), metrics));
                } catch (RuntimeException e) {
                    log.error("session {}: service failed on close after expiry", key, e);
                }
            } else {
                log.debug("session {}: expired after its endpoint went away", key);
            }
        });
    }
}
