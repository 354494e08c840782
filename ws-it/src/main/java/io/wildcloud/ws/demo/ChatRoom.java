package io.wildcloud.ws.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.common.api.PublishBatchRequest;
import io.wildcloud.ws.common.api.PublishBatchResponse;
import io.wildcloud.ws.common.client.PushApiException;
import io.wildcloud.ws.common.client.PushClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's one chat room: every visitor that joined has a socket; each line a visitor sends
 * (arriving as a callback) is published to every socket in one batch publish ({@code POST /publish}),
 * so every open tab of every visitor shows it.
 *
 * <p>A batch can be answered 200 with some targets failed: the store refused or did not answer a
 * part of it (on Redis a batch runs as several script runs) while the rest was queued. Each line
 * carries a request id of its own, the same on every resend, and the targets whose outcome may
 * change on a resend are sent again, alone, with it: {@code store_timeout} (perhaps delivered: the
 * request id keeps a resend from delivering twice), {@code store_unavailable} and {@code store_full}
 * (nothing queued: the store may take it a moment later), and a whole batch that got no answer or a
 * 503, 507 or 429. At most {@link #MAX_SENDS} sends, backing off; what is still failed then, and
 * the other errors (a bug, {@code too_many_request_ids}, ...), are reported: logged with the
 * visitors' count and counted ({@link #undelivered}). A visitor whose socket is gone is dropped.
 */
final class ChatRoom implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatRoom.class);
    /** Visitors per batch publish: the node's default {@code max-publish-targets}. */
    private static final int MAX_BATCH = 1000;
    /** Sends of one line to a visitor at most: the first and up to 4 resends, 0.25 to 2 s apart. */
    static final int MAX_SENDS = 5;
    /** Target errors worth a resend with the same request id. */
    private static final Set<String> RESEND = Set.of(ErrorCodes.STORE_TIMEOUT, ErrorCodes.STORE_UNAVAILABLE,
            ErrorCodes.STORE_FULL);

    /** What the room does between sends of a line (a back-off; tests step in here). */
    interface Pause {
        /** Before resend {@code resend} (1 for the first resend). */
        void beforeResend(int resend) throws InterruptedException;
    }

    private final PushClient api;
    private final Pause pause;
    /** client id -> socket id of everyone who joined. */
    private final Map<String, String> sockets = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    /** Request ids: this process's random prefix, then the line's number. */
    private final String requestIdPrefix = "room-" + UUID.randomUUID() + "-";
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong undelivered = new AtomicLong();
    /** One thread, so lines are published in the order their callbacks arrived (a resend holds the next). */
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "demo-publisher");
        thread.setDaemon(true);
        return thread;
    });

    ChatRoom(PushClient api) {
        this(api, resend -> Thread.sleep(250L << (resend - 1)));
    }

    ChatRoom(PushClient api, Pause pause) {
        this.api = api;
        this.pause = pause;
    }

    void joined(String clientId, String name, String socketId) {
        sockets.put(clientId, socketId);
        names.put(clientId, name);
    }

    /** Publishes {@code text}, said by {@code clientId} in {@code sessionId}, to everyone, asynchronously. */
    void said(String clientId, String sessionId, String text) {
        JsonObject line = new JsonObject();
        line.addProperty("from", names.getOrDefault(clientId, "someone"));
        line.addProperty("client", clientId);
        line.addProperty("session", sessionId);
        line.addProperty("text", text);
        // The message reaches browsers as this JSON text, which the page parses.
        String message = line.toString();
        String requestId = requestIdPrefix + lines.incrementAndGet();
        publisher.execute(() -> broadcast(message, requestId));
    }

    /** Visitor deliveries of lines given up on (reported), since the start. */
    long undelivered() {
        return undelivered.get();
    }

    /** One batch publish per {@link #MAX_BATCH} visitors, instead of one request per visitor. */
    private void broadcast(String message, String requestId) {
        List<Map.Entry<String, String>> everyone = List.copyOf(sockets.entrySet());
        try {
            for (int from = 0; from < everyone.size(); from += MAX_BATCH) {
                deliver(everyone.subList(from, Math.min(everyone.size(), from + MAX_BATCH)), message, requestId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends the line to {@code visitors}, then again to those whose target may yet take it. */
    private void deliver(List<Map.Entry<String, String>> visitors, String message, String requestId)
            throws InterruptedException {
        List<Map.Entry<String, String>> pending = visitors;
        String lastError = null;
        for (int send = 1; ; send++) {
            List<Map.Entry<String, String>> again = new ArrayList<>();
            try {
                List<PublishBatchRequest.Target> targets = new ArrayList<>(pending.size());
                pending.forEach(visitor -> targets.add(PublishBatchRequest.Target.socket(visitor.getValue())));
                PublishBatchResponse sent = api.publishBatch(
                        PublishBatchRequest.toAll(targets, new JsonPrimitive(message)), requestId);
                for (int i = 0; i < pending.size(); i++) {
                    PublishBatchResponse.TargetResult result = sent.results().get(i);
                    if (result.ok()) {
                        continue;
                    }
                    Map.Entry<String, String> visitor = pending.get(i);
                    if (ErrorCodes.SOCKET_NOT_FOUND.equals(result.error())) {
                        // Revoked or expired: that visitor must join again.
                        sockets.remove(visitor.getKey(), visitor.getValue());
                    } else if (RESEND.contains(result.error())) {
                        again.add(visitor);
                        lastError = result.error();
                    } else {
                        report(1, result.error() + ": " + result.message());
                    }
                }
            } catch (PushApiException e) {
                if (e.status() != 503 && e.status() != 507 && e.status() != 429) {
                    report(pending.size(), e.getMessage()); // the request is wrong: a resend would be too
                    return;
                }
                again = pending;
                lastError = e.getMessage();
            } catch (IOException e) {
                again = pending; // no answer: perhaps delivered, and the request id makes a resend safe
                lastError = e.toString();
            }
            if (again.isEmpty()) {
                return;
            }
            if (send == MAX_SENDS) {
                report(again.size(), "still failing after " + MAX_SENDS + " sends, last: " + lastError);
                return;
            }
            pause.beforeResend(send);
            pending = again;
        }
    }

    private void report(int visitors, String why) {
        undelivered.addAndGet(visitors);
        log.warn("a room line did not reach {} visitor(s): {}", visitors, why);
    }

    /** Lets lines already said be published, for at most 5 s. */
    @Override
    public void close() {
        publisher.shutdown();
        try {
            publisher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
