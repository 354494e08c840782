package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import io.wildcloud.ws.testing.Waits;
import io.wildcloud.ws.node.config.NodeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A websocket through a trusted proxy counts against its forwarded client's
 * {@code max-connections-per-address} for as long as it is open, although the request guard that
 * took the count leaves the pipeline at the 101; the count comes back when it closes.
 */
class ForwardedWebSocketCountTest {

    private static final String CLIENT = "203.0.113.7";

    @Test
    void anOpenWebsocketHoldsItsForwardedClientsCountUntilItCloses() throws Exception {
        WsNode node = WsNode.start(NodeConfig.builder().bindHost("127.0.0.1").publicPort(0).apiPort(0)
                .set("applications", "app:forwarded-test-secret").set("callback-allow-networks", "127.0.0.0/8")
                .set("trusted-proxies", "127.0.0.1/32").set("max-connections-per-address", "1").build());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<String> authorized = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + node.apiPort() + "/authorize/forwarded-test-secret/user-1"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"callback\":\"http://127.0.0.1:9/cb\"}"))
                    .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, authorized.statusCode(), authorized.body());
            String socket = JsonParser.parseString(authorized.body()).getAsJsonObject().get("socket_id").getAsString();
            String base = "127.0.0.1:" + node.publicPort() + "/" + socket;

            BlockingQueue<String> frames = new LinkedBlockingQueue<>();
            WebSocket ws = http.newWebSocketBuilder().header("X-Forwarded-For", CLIENT)
                    .buildAsync(URI.create("ws://" + base + "/000/s1/websocket"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            frames.add(data.toString());
                            webSocket.request(1);
                            return null;
                        }
                    }).get(15, TimeUnit.SECONDS);
            assertEquals("o", frames.poll(15, TimeUnit.SECONDS));

            HttpRequest info = HttpRequest.newBuilder(URI.create("http://" + base + "/info"))
                    .header("X-Forwarded-For", CLIENT).timeout(Duration.ofSeconds(15)).GET().build();
            HttpResponse<String> refused = http.send(info, HttpResponse.BodyHandlers.ofString());
            assertEquals(429, refused.statusCode(), "the open websocket no longer counted: " + refused.body());

            ws.abort();
            Waits.await(() -> statusOf(http, info) == 200,
                    "the count given back once the websocket closed", Duration.ofSeconds(10));
        } finally {
            node.close();
        }
    }

    private static int statusOf(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + request.uri(), e);
        }
    }
}
