package io.wildcloud.ws.sockjs.testmode;

import io.wildcloud.ws.common.sockjs.CloseCodes;
import io.wildcloud.ws.sockjs.Admission;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsEndpointResolver;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.SockJsService;
import io.wildcloud.ws.sockjs.SockJsSession;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The four services the official SockJS protocol suite expects at the root: {@code echo},
 * {@code close}, {@code disabled_websocket_echo} and {@code cookie_needed_echo}.
 */
public final class ProtocolTestEndpoints implements SockJsEndpointResolver {

    /** The suite's streaming tests expect a response to end after 4 KiB of frames. */
    public static final int TEST_RESPONSE_LIMIT = 4096;

    private final Map<String, CompletionStage<Optional<SockJsEndpoint>>> endpoints;

    public ProtocolTestEndpoints() {
        this(SockJsOptions.defaults());
    }

    /** @param base the options every test service starts from (e.g. a shorter heartbeat in tests) */
    public ProtocolTestEndpoints(SockJsOptions base) {
        SockJsService echo = new EchoService();
        this.endpoints = Map.of(
                "echo", found("echo", base.withResponseLimit(TEST_RESPONSE_LIMIT), echo),
                "close", found("close", base, new CloseService()),
                "disabled_websocket_echo", found("disabled_websocket_echo", base.withWebsocketEnabled(false), echo),
                "cookie_needed_echo", found("cookie_needed_echo", base.withCookieNeeded(true), echo));
    }

    @Override
    public CompletionStage<Optional<SockJsEndpoint>> resolve(String prefix) {
        CompletionStage<Optional<SockJsEndpoint>> endpoint = endpoints.get(prefix);
        return endpoint != null ? endpoint : CompletableFuture.completedFuture(Optional.empty());
    }

    private static CompletionStage<Optional<SockJsEndpoint>> found(String scope, SockJsOptions options,
            SockJsService service) {
        return CompletableFuture.completedFuture(Optional.of(new SockJsEndpoint(scope, options, service)));
    }

    /** Sends every message back to the session it came from; answers once they are queued. */
    static final class EchoService implements SockJsService {
        @Override
        public CompletionStage<Admission> onOpen(SockJsSession session) {
            return CompletableFuture.completedFuture(Admission.admitted());
        }

        @Override
        public CompletionStage<Void> onMessages(SockJsSession session, List<String> messages) {
            return session.send(messages).thenApply(result -> null);
        }

        @Override
        public void onClose(SockJsSession session) {
        }
    }

    /** Closes every session as soon as it opens, with 3000 "Go away!". */
    static final class CloseService implements SockJsService {
        @Override
        public CompletionStage<Admission> onOpen(SockJsSession session) {
            // Admitted, then closed: the protocol wants the open frame first, then c[3000,...].
            return session.close(CloseCodes.GO_AWAY, CloseCodes.GO_AWAY_REASON).thenApply(closed -> Admission.admitted());
        }

        @Override
        public CompletionStage<Void> onMessages(SockJsSession session, List<String> messages) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onClose(SockJsSession session) {
        }
    }
}
