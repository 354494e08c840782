package io.wildcloud.ws.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.node.WsNode;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.Settings;
import io.wildcloud.ws.node.http.Refusal;
import io.wildcloud.ws.node.http.WriteMemory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The edge's meters on a real node: every {@code ws.http.refused}, {@code ws.connections.cut.off}
 * and {@code ws.websocket.closed} series is scraped at zero from the start (alert rules and
 * {@code deploy/validate.sh} name them), the guard's refusals are counted per port, and an API
 * client that does not read its answers is cut off past {@code max-write-backlog}.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class EdgeMetricsTest {

    private static final int BACKLOG = 64 * 1024;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WsNode node;

    @BeforeEach
    void start() throws InterruptedException {
        node = WsNode.start(NodeConfig.from(Settings.load(new String[] {"--node-id=edge", "--bind-host=127.0.0.1",
                // A short warm-up at start: it must leave every series of the node at zero.
                "--warmup-connects=50",
                "--public-port=0", "--api-port=0", "--applications=demo:edge-secret-0123456789",
                "--max-write-backlog=" + BACKLOG}, Map.of())));
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void everySeriesIsThereAtZeroFromTheStart() throws Exception {
        PrometheusScrape scrape = scrape();
        for (String port : new String[] {"public", "api"}) {
            for (Refusal reason : Refusal.values()) {
                assertEquals(0.0, scrape.value("ws_http_refused_total", "port=" + port, "reason=" + reason.tag()));
            }
            for (WriteMemory.CutOff reason : WriteMemory.CutOff.values()) {
                assertEquals(0.0, scrape.value("ws_connections_cut_off_total", "port=" + port, "reason=" + reason.tag()));
            }
            assertEquals(0.0, scrape.value("ws_write_memory_reserved_bytes", "port=" + port));
        }
        for (String code : new String[] {"1002", "1007", "1008", "1009", "1013"}) {
            assertEquals(0.0, scrape.value("ws_websocket_closed_total", "code=" + code));
        }
    }

    @Test
    void theGuardsRefusalsAreCountedOnTheirPort() throws Exception {
        assertTrue(exchange(node.publicPort(), "GET /x/000/%ZZ/xhr HTTP/1.1\r\nHost: n\r\n\r\n")
                .startsWith("HTTP/1.1 400 "));
        assertTrue(exchange(node.apiPort(), "GET /health?" + "q".repeat(5000) + " HTTP/1.1\r\nHost: n\r\n\r\n")
                .startsWith("HTTP/1.1 414 "));
        PrometheusScrape scrape = scrapeUntil(s -> s.value("ws_http_refused_total", "port=api", "reason=uri_too_long") == 1,
                Duration.ofSeconds(10), Duration.ofMillis(50));
        assertEquals(1.0, scrape.value("ws_http_refused_total", "port=public", "reason=bad_request"));
        assertEquals(0.0, scrape.value("ws_http_refused_total", "port=api", "reason=bad_request"));
        assertEquals(0.0, scrape.value("ws_http_refused_total", "port=public", "reason=uri_too_long"));
    }

    @Test
    void anApiClientThatDoesNotReadItsAnswersIsCutOff() throws Exception {
        int requests = 600;
        long received;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", node.apiPort()), 5000);
            OutputStream out = socket.getOutputStream();
            byte[] request = "GET /metrics HTTP/1.1\r\nHost: n\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < requests; i++) {
                out.write(request);
            }
            out.flush();
            // Each answer is a full scrape (~15 KiB): 600 are three times what the kernel's buffers
            // (2.7 MiB on loopback here) and the backlog hold together, so the node must cut the
            // connection off. It renders ~200 answers first: 1-2 s quiet, but 9 s and over 40 s
            // were seen on a starved machine; each scrape of ours is one render more, so few.
            scrapeUntil(s -> s.value("ws_connections_cut_off_total", "port=api", "reason=max_write_backlog") == 1, Duration.ofSeconds(120),
                    Duration.ofSeconds(1));
            socket.setSoTimeout(10_000);
            received = drain(socket.getInputStream());
        }
        long oneAnswer = http.send(HttpRequest.newBuilder(uri("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body().length();
        assertTrue(received < (requests - 1) * oneAnswer,
                "the connection ended before its answers: " + received + " bytes of ~" + requests * oneAnswer);
        assertEquals(0.0, scrape().value("ws_connections_cut_off_total", "port=public", "reason=max_write_backlog"));
    }

    /** Reads until the node's close; a reset (it closed with unread bytes) ends it too. */
    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (SocketException reset) {
            // closed by the node
        }
        return total;
    }

    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + node.apiPort() + path);
    }

    private PrometheusScrape scrape() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return new PrometheusScrape(response.body());
    }

    private PrometheusScrape scrapeUntil(Predicate<PrometheusScrape> condition, Duration within, Duration pause)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        PrometheusScrape last = scrape();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within + "; last scrape:\n" + last);
            }
            Thread.sleep(pause.toMillis());
            last = scrape();
        }
        return last;
    }
}
