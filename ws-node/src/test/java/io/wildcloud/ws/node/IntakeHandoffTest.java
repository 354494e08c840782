package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wildcloud.ws.node.config.NodeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node whose only worker loop is held busy: {@code /health} still answers on both ports (the
 * intake loop serves it), and any other request moves to the worker and is answered once it is free.
 */
class IntakeHandoffTest {

    @Test
    void healthAnswersWhileEveryWorkerLoopIsBusyAndOtherRequestsWaitForAWorker() throws Exception {
        WsNode node = WsNode.start(NodeConfig.builder().bindHost("127.0.0.1").publicPort(0).apiPort(0)
                .set("io-threads", "1").build());
        CountDownLatch release = new CountDownLatch(1);
        // Two clients, so two connection pools: a keep-alive connection that carried anything but
        // health has moved to the worker loop for good, and a health probe that reused it would wait
        // behind the busy worker (a balancer's health checks keep their own connections too).
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient healthClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            // A fresh JVM loads the classes of a first answer slowly: not what this test measures.
            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.publicPort() + "/sockjs-client/sockjs.min.js"))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.discarding());
            healthClient.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.publicPort() + "/health"))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.discarding());
            healthClient.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.apiPort() + "/health"))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.discarding());
            CountDownLatch busy = new CountDownLatch(1);
            node.workers().next().execute(() -> {
                busy.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            busy.await(5, TimeUnit.SECONDS);
            CompletableFuture<HttpResponse<String>> script = client.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.publicPort() + "/sockjs-client/sockjs.min.js"))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
            for (int port : new int[] {node.publicPort(), node.apiPort()}) {
                HttpResponse<String> health = healthClient.send(get(port, "/health"), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode(), health.body());
            }
            assertFalse(script.isDone(), "the client script was served while the worker loop was busy");
            release.countDown();
            assertEquals(200, script.get(10, TimeUnit.SECONDS).statusCode());
            HttpResponse<String> again = healthClient.send(get(node.publicPort(), "/health"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, again.statusCode());
        } finally {
            release.countDown();
            node.close();
        }
    }

    /** A GET that must be answered within 1 s (the bound for health). */
    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(1)).GET().build();
    }
}
