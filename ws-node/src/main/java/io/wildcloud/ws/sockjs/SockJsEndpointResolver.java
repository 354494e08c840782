package io.wildcloud.ws.sockjs;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Finds the SockJS endpoint for the first segment of a request path. The protocol-test mode mounts
 * four fixed ones; the push service looks the segment up as a socket id, which may take a trip to
 * the store. An empty answer is a 404; so is, to all but the polls and streams of its existing
 * sessions, an endpoint that does not {@link SockJsEndpoint#acceptsNewSessions() accept new sessions}.
 */
@FunctionalInterface
public interface SockJsEndpointResolver {

    CompletionStage<Optional<SockJsEndpoint>> resolve(String prefix);

    /**
     * The endpoint of a receiving request (a poll or a stream) of session {@code sessionId}: a
     * resolver may look the endpoint and the session up in one read and answer empty (404, no
     * claim) when neither exists, or a gone endpoint when only the session does. The default
     * resolves as for any request.
     */
    default CompletionStage<Optional<SockJsEndpoint>> resolveForSession(String prefix, String sessionId) {
        return resolve(prefix);
    }

    /**
     * The endpoint of a page that is the same for every endpoint ({@code iframe.html}, the
     * greeting): a resolver may answer without a trip to the store, with an endpoint that {@link
     * SockJsEndpoint#liveCheckedAtClaim() is checked at the claim}, since the transports the page
     * leads to check it. The default resolves as for any request.
     */
    default CompletionStage<Optional<SockJsEndpoint>> resolveForPage(String prefix) {
        return resolve(prefix);
    }

    /**
     * The endpoint of an {@code xhr_send} or {@code jsonp_send}, which opens no session and is
     * served by a gone endpoint too, so whether the endpoint lives need not be known: a resolver
     * whose service checks that on the way ({@link SockJsService#onSend}) may answer without a trip
     * to the store. The default resolves as for any request.
     */
    default CompletionStage<Optional<SockJsEndpoint>> resolveForSend(String prefix) {
        return resolve(prefix);
    }

    /**
     * The endpoint of a websocket upgrade, which only creates a session: a resolver whose store
     * checks that the endpoint lives in the new session's claim may answer without a trip to the
     * store, with an endpoint {@link SockJsEndpoint#liveCheckedAtClaim() checked at the claim}; a
     * gone one is then answered 404 when the claim finds it gone, still before the 101. The
     * default resolves as for any request.
     */
    default CompletionStage<Optional<SockJsEndpoint>> resolveForUpgrade(String prefix) {
        return resolve(prefix);
    }
}
