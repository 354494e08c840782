package io.wildcloud.ws.demo;

import com.google.gson.JsonObject;
import io.wildcloud.ws.common.client.NotFoundException;
import io.wildcloud.ws.common.client.PushClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's one chat room: every visitor that joined has a socket; each line a visitor sends
 * (arriving as a callback) is published to every socket, so every open tab of every visitor shows it.
 */
final class ChatRoom implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChatRoom.class);

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
        publisher.execute(() -> sockets.forEach((client, socketId) -> publish(client, socketId, message)));
    }

    private void publish(String clientId, String socketId, String message) {
        try {
            api.publish(socketId, message);
        } catch (NotFoundException e) {
            // Revoked or expired: that visitor must join again.
            sockets.remove(clientId, socketId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("client {}: publish failed: {}", clientId, e.getMessage());
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
