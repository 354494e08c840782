package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.testing.NodeApi;
import io.wildcloud.ws.testing.RedisServerProcess;
import io.wildcloud.ws.testing.RedisTestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A websocket's opening is set aside before its claim; a claim that creates no session gives it
 * back. Here the claims fail: a real Redis stalls (SIGSTOP) past the node's stall bound while a
 * socket opens as many websockets as its new-session burst ({@value #BURST}); each is closed with
 * 1013 (try again later). Once Redis is back, the socket opens a websocket: its openings were given
 * back. Had they leaked, the socket would be refused 4429 for good (set-aside openings do not refill).
 */
class WebsocketOpeningGivenBackTest {

    private static final String SECRET = "given-back-secret-0123";
    private static final int BURST = 2;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void claimsThatCreateNoSessionGiveTheirOpeningBack() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                WsNode node = WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=given-back",
                        "--warmup-connects=0", "--bind-host=127.0.0.1", "--public-port=0", "--api-port=0",
                        "--applications=app:" + SECRET, "--callback-allow-networks=127.0.0.0/8",
                        "--redis-url=" + redis.url(), "--redis-key-prefix=" + RedisTestServer.newKeyPrefix("given"),
                        "--redis-stall-bound=2s", "--new-session-burst=" + BURST, "--max-new-sessions-per-second=1"},
                        Map.of())))) {
            String socket = NodeApi.authorize(http, node.apiPort(), SECRET, "opener");
            List<CompletableFuture<String>> failed = new ArrayList<>();
            redis.suspend();
            try {
                for (int i = 0; i < BURST; i++) {
                    String session = "stalled-" + i;
                    failed.add(CompletableFuture.supplyAsync(() -> websocket(node, socket, session)));
                }
                for (int i = 0; i < BURST; i++) {
                    String outcome = failed.get(i).get(120, TimeUnit.SECONDS);
                    System.out.println("websocket " + i + " while Redis stalled: " + outcome);
                    assertFalse(outcome.equals("o"), "opened while Redis stalled: " + outcome);
                }
            } finally {
                redis.resume();
            }
            // Redis is back (the node may take a moment to see it). A claim whose answer was lost
            // keeps its opening spent (Redis may still run it), and spent ones refill at 1 a second;
            // set-aside openings never given back would refuse the socket for good.
            String outcome = websocket(node, socket, "after");
            for (int i = 0; i < 100 && !outcome.equals("o"); i++) {
                TimeUnit.MILLISECONDS.sleep(200); // the pace of the retries, not a wait for a condition
                outcome = websocket(node, socket, "after-" + i);
            }
            assertEquals("o", outcome, "a websocket once Redis is back");
        }
    }

    /** The first frame of a websocket to {@code session}, or why there was none. */
    private String websocket(WsNode node, String socket, String session) {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket ws;
        try {
            ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + node.publicPort() + "/" + socket
                    + "/000/" + session + "/websocket"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            first.complete(data.toString());
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                            first.complete("closed " + statusCode);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket webSocket, Throwable error) {
                            first.complete("error " + error);
                        }
                    }).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return "no websocket: " + e.getCause();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        try {
            return first.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            ws.abort();
        }
    }

}
