package io.wildcloud.ws.it.balancer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.RawHttp;
import io.wildcloud.ws.it.http.ScriptedServer;
import io.wildcloud.ws.it.http.RawResponse;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test balancer itself: rotation per request, byte-exact streaming, upgrades, dead backends. */
class RoundRobinBalancerTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }

    private ScriptedServer backend(ScriptedServer.Script script) throws Exception {
        return track(new ScriptedServer(script));
    }

    private RoundRobinBalancer balancer(InetSocketAddress... backends) throws InterruptedException {
        return track(RoundRobinBalancer.start(List.of(backends)));
    }

    private RawHttp client(RoundRobinBalancer balancer) {
        return track(RawHttp.connect(URI.create(balancer.url()), Duration.ofSeconds(2)));
    }

    /** Answers every request on the connection with its own name, keeping the connection open. */
    private ScriptedServer namedBackend(String name) throws Exception {
        return backend(socket -> {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 100; i++) {
                ScriptedServer.readHead(in);
                ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Length: " + name.length() + "\r\n\r\n" + name);
            }
        });
    }

    @Test
    void everyRequestGoesToTheNextBackendEvenOnOneKeepAliveConnection() throws Exception {
        RoundRobinBalancer balancer = balancer(namedBackend("a").address(), namedBackend("b").address(),
                namedBackend("c").address());
        RawHttp client = client(balancer);
        StringBuilder answers = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            RawResponse response = client.exchange("GET", "/", "1.1", null);
            assertEquals(200, response.status());
            answers.append(response.bodyText());
        }
        assertEquals("abcabc", answers.toString());
        assertEquals(List.of(2, 2, 2), balancer.requestCounts());
    }

    @Test
    void chunksPassThroughOneByOneWhileTheBackendStillWrites() throws Exception {
        CountDownLatch firstChunkSeen = new CountDownLatch(1);
        ScriptedServer streaming = backend(socket -> {
            ScriptedServer.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n");
            firstChunkSeen.await(5, TimeUnit.SECONDS);
            ScriptedServer.write(socket, "3\r\ntwo\r\n");
            ScriptedServer.write(socket, "5\r\nthree\r\n0\r\n\r\n");
        });
        RawHttp client = client(balancer(streaming.address()));
        client.send("POST", "/stream", "1.1", new byte[0]);
        RawResponse head = client.readHead();
        assertEquals(200, head.status());
        assertEquals("one", new String(client.readChunk(), StandardCharsets.UTF_8));
        firstChunkSeen.countDown();
        assertEquals("two", new String(client.readChunk(), StandardCharsets.UTF_8));
        assertEquals("three", new String(client.readChunk(), StandardCharsets.UTF_8));
        assertEquals(0, client.readChunk().length);
        // The connection stays usable for the next request.
        assertEquals(200, client.exchange("POST", "/stream", "1.1", new byte[0]).status());
    }

    @Test
    void upgradedConnectionBecomesARawPipe() throws Exception {
        ScriptedServer echo = backend(socket -> {
            ScriptedServer.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
            socket.getInputStream().transferTo(socket.getOutputStream());
        });
        RawHttp client = client(balancer(echo.address()));
        client.send("GET", "/ws", "1.1", null, "Upgrade", "websocket", "Connection", "Upgrade");
        assertEquals(101, client.readHead().status());
        byte[] frame = {(byte) 0x81, 0x02, 'h', 'i', 'G', 'E', 'T', ' ', '/', '\r', '\n'};
        client.write(frame);
        assertEquals(new String(frame, StandardCharsets.ISO_8859_1),
                new String(client.readExactly(frame.length), StandardCharsets.ISO_8859_1));
    }

    @Test
    void backendDyingMidResponseClosesTheClientConnection() throws Exception {
        ScriptedServer dying = backend(socket -> {
            ScriptedServer.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        });
        RawHttp client = client(balancer(dying.address()));
        client.send("POST", "/", "1.1", new byte[0]);
        assertEquals(200, client.readHead().status());
        assertEquals("abc", new String(client.readChunk(), StandardCharsets.UTF_8));
        assertTrue(client.isClosedByServer());
    }

    @Test
    void clientAbortClosesTheBackendConnection() throws Exception {
        CountDownLatch backendSawClose = new CountDownLatch(1);
        ScriptedServer holding = backend(socket -> {
            InputStream in = socket.getInputStream();
            ScriptedServer.readHead(in);
            ScriptedServer.write(socket, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\no\n\r\n");
            if (in.read() < 0) {
                backendSawClose.countDown();
            }
        });
        RawHttp client = client(balancer(holding.address()));
        client.send("POST", "/", "1.1", new byte[0]);
        assertEquals(200, client.readHead().status());
        assertEquals("o\n", new String(client.readChunk(), StandardCharsets.UTF_8));
        client.close();
        assertTrue(backendSawClose.await(5, TimeUnit.SECONDS), "backend connection still open after the client left");
    }

    @Test
    void refusedBackendIsSkipped() throws Exception {
        InetSocketAddress closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = new InetSocketAddress("127.0.0.1", probe.getLocalPort());
        }
        RoundRobinBalancer balancer = balancer(closedPort, namedBackend("live").address());
        RawHttp client = client(balancer);
        for (int i = 0; i < 2; i++) {
            assertEquals("live", client.exchange("GET", "/", "1.1", null).bodyText());
        }
        assertEquals(List.of(0, 2), balancer.requestCounts());
    }

    @Test
    void http10ResponseWithoutLengthEndsWhenTheBackendCloses() throws Exception {
        ScriptedServer closing = backend(socket -> {
            ScriptedServer.readHead(socket.getInputStream());
            ScriptedServer.write(socket, "HTTP/1.0 200 OK\r\n\r\nall of it");
        });
        RawHttp client = client(balancer(closing.address()));
        RawResponse response = client.exchange("GET", "/", "1.0", null);
        assertEquals("all of it", response.bodyText());
        assertTrue(client.isClosedByServer());
    }
}
