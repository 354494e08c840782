package io.wildcloud.ws.sockjs.transport;

import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.SockJsMetrics;
import io.wildcloud.ws.sockjs.session.ReceiverId;
import io.wildcloud.ws.sockjs.session.SessionKey;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/** How a session's life relates to the life of a receiving connection: the part of a transport that is not framing. */
enum SessionLifetime {

    /**
     * HTTP polls and streams: the session outlives each request. A request releases the slot when
     * it ends, and the next one, on any node, claims it again.
     */
    ACROSS_REQUESTS {
        @Override
        SessionStore.Creation creation(SockJsEndpoint endpoint) {
            // A gone endpoint starts no session; its closed ones still hand out their close frame.
            return endpoint.acceptsNewSessions()
                    ? SessionStore.Creation.CREATE_IF_MISSING : SessionStore.Creation.EXISTING_ONLY;
        }

        /**
         * A busy slot may be held by a request whose client just went away: its node has not seen
         * the connection close yet (another event loop, or another node behind the store). Or by
         * the poll that answered the client a moment ago: a poll with messages releases after its
         * answer is written, one store round trip, longer on a loaded store (under a load average
         * of 20 on 2 cores, more than 100 ms: a single retry then answered 2010 and the client
         * closed its session). Asking again over about 0.7 s tells both apart from a really open
         * second connection, which holds its slot until a message or its heartbeat; SockJS wants
         * its 2010 within a second (the protocol checks read with a 1 s timeout).
         */
        @Override
        long[] busyRetryDelaysMillis() {
            return Retries.ACROSS_REQUESTS;
        }

        @Override
        SessionKey busyRetryKey(SessionKey key) {
            return key;
        }

        @Override
        CompletionStage<Void> letGo(SessionStore store, SessionKey key, ReceiverId id, long seq, SockJsEndpoint endpoint) {
            return store.release(key, id, seq, endpoint.options().disconnectDelay());
        }

        @Override
        SockJsMetrics.CloseReason goneReason() {
            return SockJsMetrics.CloseReason.INTERRUPTED;
        }
    },

    /**
     * Websockets: the session lives exactly as long as the connection. A session id already in use
     * gets a fresh {@code <id>~<random>} for this connection, as websockets may share ids, and the
     * session is deleted when the connection ends.
     */
    CONNECTION {
        @Override
        SessionStore.Creation creation(SockJsEndpoint endpoint) {
            // An endpoint resolved without a look-up: the claim checks that it lives (NOT_FOUND: 404).
            return endpoint.liveCheckedAtClaim()
                    ? SessionStore.Creation.CREATE_ONLY_IN_LIVE_SCOPE : SessionStore.Creation.CREATE_ONLY;
        }

        @Override
        long[] busyRetryDelaysMillis() {
            return Retries.CONNECTION; // at once: the retry claims a fresh id, not the busy one
        }

        @Override
        SessionKey busyRetryKey(SessionKey key) {
            return new SessionKey(key.scope(),
                    key.sessionId() + "~" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        }

        @Override
        CompletionStage<Void> letGo(SessionStore store, SessionKey key, ReceiverId id, long seq, SockJsEndpoint endpoint) {
            return store.delete(key);
        }

        @Override
        SockJsMetrics.CloseReason goneReason() {
            return SockJsMetrics.CloseReason.WEBSOCKET_ENDED;
        }
    };

    /** Whether the session ends with its connection (deleted then), instead of living on for the next request. */
    boolean endsWithConnection() {
        return this == CONNECTION;
    }

    /** Which sessions a claim may create. */
    abstract SessionStore.Creation creation(SockJsEndpoint endpoint);

    /**
     * The pauses before each retry of a claim that found the slot busy; the busy answer after the
     * last is final. Shared arrays: callers read them, never write them.
     */
    abstract long[] busyRetryDelaysMillis();

    /** The session the retry claims. */
    abstract SessionKey busyRetryKey(SessionKey key);

    /** Gives the slot up at the connection's end, acknowledging messages up to {@code seq}. */
    abstract CompletionStage<Void> letGo(SessionStore store, SessionKey key, ReceiverId id, long seq,
            SockJsEndpoint endpoint);

    /** Why a session ends when its client goes away, for the close count. */
    abstract SockJsMetrics.CloseReason goneReason();

    /** The retry schedules, made once (an enum constant cannot reach its own static fields). */
    private static final class Retries {
        static final long[] ACROSS_REQUESTS = {25, 50, 100, 200, 300};
        static final long[] CONNECTION = {0};
    }
}
