package io.wildcloud.ws.demo;

import com.google.gson.JsonObject;
import io.wildcloud.ws.common.api.ErrorCodes;
import io.wildcloud.ws.common.api.PublishBatchResponse;
import io.wildcloud.ws.common.client.PushClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's one chat room: every visitor that joined has a socket; each line a visitor sends
 * (arriving as a callback) is published to every socket in one batch publish ({@code POST /publish}),
 * so every open tab of every visitor shows it.
 */
final class ChatRoom implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatRoom.class);
    /** Visitors per batch publish: the node's default {@code max-publish-targets}. */
    private static final int MAX_BATCH = 1000;

    private final PushClient api;
    /** client id -> socket id of everyone who joined. */
    private final Map<String, String> sockets = new ConcurrentHashMap<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    /** One thread, so lines are published in the order their callbacks arrived. */
    private final ExecutorService publisher = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "demo-publisher");
        thread.setDaemon(true);
        return thread;
    });

    ChatRoom(PushClient api) {
        this.api = api;
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
        publisher.execute(() -> broadcast(message));
    }

    /** One batch publish per {@link #MAX_BATCH} visitors, instead of one request per visitor. */
    private void broadcast(String message) {
        List<Map.Entry<String, String>> everyone = List.copyOf(sockets.entrySet());
        for (int from = 0; from < everyone.size(); from += MAX_BATCH) {
            List<Map.Entry<String, String>> part = everyone.subList(from, Math.min(everyone.size(), from + MAX_BATCH));
            try {
                PublishBatchResponse sent = api.publishBatch(part.stream().map(Map.Entry::getValue).toList(), message);
                for (int i = 0; i < part.size(); i++) {
                    if (ErrorCodes.SOCKET_NOT_FOUND.equals(sent.results().get(i).error())) {
                        // Revoked or expired: that visitor must join again.
                        sockets.remove(part.get(i).getKey(), part.get(i).getValue());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.warn("room broadcast to {} visitors failed: {}", part.size(), e.getMessage());
            }
        }
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
