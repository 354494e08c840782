package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.ClientLoops;
import io.wildcloud.ws.loadgen.SessionClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Many SockJS websocket sessions of the benchmark, opened with at most {@code maxOpening} opening
 * at once (as many browsers connect, each waiting for its own answer). Each slot holds one session
 * of one socket; {@link #reopen} gives a slot a new session, as sockjs-client does after a close.
 */
final class WebSocketCrowd implements AutoCloseable {

    private final ClientLoops loops;
    private final Semaphore opening;
    private final Consumer<String> sink;
    private final AtomicReferenceArray<SessionClient> slots;
    private final AtomicInteger failures = new AtomicInteger();

    /** @param sink gets every message any session receives */
    WebSocketCrowd(ClientLoops loops, int size, int maxOpening, Consumer<String> sink) {
        this.loops = loops;
        this.opening = new Semaphore(maxOpening);
        this.sink = sink;
        this.slots = new AtomicReferenceArray<>(size);
    }

    int size() {
        return slots.length();
    }

    /** Opens failed along the way (each is retried until it succeeds). */
    int failures() {
        return failures.get();
    }

    /**
     * Opens a new session in slot {@code slot} at {@code endpoint} ({@code <node>/<socket id>}),
     * after waiting for an opening turn; completes when its open frame arrived, retrying (after
     * {@code retryDelayMillis}) an open that failed at an endpoint from {@code endpoints}.
     */
    CompletableFuture<SessionClient> reopen(int slot, Endpoints endpoints, long retryDelayMillis) {
        CompletableFuture<SessionClient> done = new CompletableFuture<>();
        attempt(slot, endpoints, retryDelayMillis, done);
        return done;
    }

    private void attempt(int slot, Endpoints endpoints, long retryDelayMillis, CompletableFuture<SessionClient> done) {
        opening.acquireUninterruptibly();
        SessionClient client = SessionClient.create(SessionClient.Transport.WEBSOCKET, null, loops,
                endpoints.of(slot), sink);
        slots.set(slot, client);
        client.open().whenComplete((ok, error) -> {
            opening.release();
            if (error == null) {
                done.complete(client);
                return;
            }
            failures.incrementAndGet();
            CompletableFuture.delayedExecutor(retryDelayMillis, TimeUnit.MILLISECONDS)
                    .execute(() -> attempt(slot, endpoints, retryDelayMillis, done));
        });
    }

    /** Opens every slot (new sessions) and waits until all are open. */
    void openAll(Endpoints endpoints) {
        List<CompletableFuture<SessionClient>> all = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            all.add(reopen(i, endpoints, 100));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.MINUTES).join();
    }

    /** The session now in {@code slot} (null before its first open). */
    SessionClient session(int slot) {
        return slots.get(slot);
    }

    /** Ends every session from the client side. */
    @Override
    public void close() {
        for (int i = 0; i < size(); i++) {
            SessionClient client = slots.get(i);
            if (client != null) {
                client.stop();
            }
        }
    }

    /** Where slot {@code i}'s session opens: a node's public URL followed by the slot's socket id. */
    interface Endpoints {
        URI of(int slot);

        /** Slot i on socket {@code sockets.get(i)}, at {@code nodes} in turn (i modulo their count). */
        static Endpoints roundRobin(List<URI> nodes, List<String> sockets) {
            return slot -> URI.create(nodes.get(slot % nodes.size()) + "/" + sockets.get(slot));
        }
    }
}
