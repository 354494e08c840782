package io.wildcloud.ws.it.browser;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebDriver BiDi session endpoint over a websocket (the JDK's client): commands
 * {@code {"id", "method", "params"}} and their answers, matched by id. Nothing subscribes to
 * events, so any event that comes is ignored.
 */
final class BidiConnection implements AutoCloseable {

    private final WebSocket socket;
    private final Map<Long, CompletableFuture<JsonObject>> pending;
    private final Duration commandTimeout;
    private long nextId = 1;

    private BidiConnection(WebSocket socket, Map<Long, CompletableFuture<JsonObject>> pending, Duration commandTimeout) {
        this.socket = socket;
        this.pending = pending;
        this.commandTimeout = commandTimeout;
    }

    /** Connects to {@code endpoint} (e.g. {@code ws://127.0.0.1:PORT/session}). */
    static BidiConnection open(URI endpoint, Duration commandTimeout) throws InterruptedException {
        Map<Long, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
        WebSocket socket;
        try {
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(commandTimeout)
                    .buildAsync(endpoint, new Answers(pending))
                    .get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no WebDriver BiDi websocket at " + endpoint, e);
        }
        return new BidiConnection(socket, pending, commandTimeout);
    }

    /**
     * Sends one command and waits for its answer's {@code result}.
     *
     * @throws BidiError when the browser answers with an error
     */
    JsonObject send(String method, JsonObject params) {
        long id = nextId++;
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        pending.put(id, answer);
        JsonObject command = new JsonObject();
        command.addProperty("id", id);
        command.addProperty("method", method);
        command.add("params", params);
        try {
            socket.sendText(command.toString(), true).get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return answer.get(commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BidiError error) {
                throw new BidiError(method + ": " + error.getMessage(), error);
            }
            throw new IllegalStateException(method + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer to " + method + " within " + commandTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + method, e);
        } finally {
            pending.remove(id);
        }
    }

    @Override
    public void close() {
        socket.abort();
    }

    /** An error answer: {@code {"type": "error", "error": "<code>", "message": ...}}. */
    static final class BidiError extends RuntimeException {
        BidiError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reassembles text messages and completes the command each answers. */
    private static final class Answers implements WebSocket.Listener {

        private final Map<Long, CompletableFuture<JsonObject>> pending;
        private final StringBuilder message = new StringBuilder();

        Answers(Map<Long, CompletableFuture<JsonObject>> pending) {
            this.pending = pending;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                JsonObject answer = JsonParser.parseString(message.toString()).getAsJsonObject();
                message.setLength(0);
                complete(answer);
            }
            socket.request(1);
            return null;
        }

        private void complete(JsonObject answer) {
            JsonElement id = answer.get("id");
            if (id == null || id.isJsonNull()) {
                return; // an event, or an error about a message without an id
            }
            CompletableFuture<JsonObject> command = pending.get(id.getAsLong());
            if (command == null) {
                return;
            }
            if ("error".equals(answer.get("type").getAsString())) {
                command.completeExceptionally(new BidiError(answer.get("error").getAsString() + ": "
                        + answer.get("message").getAsString(), null));
            } else {
                command.complete(answer.getAsJsonObject("result"));
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            failAll(new IllegalStateException("the browser closed the BiDi websocket: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            failAll(error);
        }

        private void failAll(Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
