package io.wildcloud.ws.it.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A callback endpoint that misbehaves in one way ({@link Behaviour}), on a loopback address of the
 * test's choice, with a thread per connection. Every answer is bounded by the test: at most
 * {@link #MAX_BODY} bytes per connection and {@link #MAX_CONNECTION_TIME} of trickling; closing
 * the server closes every connection.
 */
final class HostileCallbackServer implements AutoCloseable {

    static final long MAX_BODY = 200L * 1024 * 1024;
    static final long MAX_CONNECTION_TIME = TimeUnit.SECONDS.toNanos(30);

    /** How the endpoint answers every request. */
    enum Behaviour {
        /** 200 with a 200 MiB body, written as fast as the node reads. */
        HUGE_BODY,
        /** Reads the request and never answers. */
        HANG,
        /** Answers 200 and a 100 kB body one byte every 100 ms. */
        TRICKLE,
        /** 302 to {@code location}. */
        REDIRECT,
        /** 200 with a 64 KiB header. */
        HUGE_HEAD,
        /** 200, empty. */
        OK
    }

    private final Behaviour behaviour;
    private final String location;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "hostile-callback");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytesWritten = new AtomicLong();
    private volatile boolean closed;

    private HostileCallbackServer(String host, Behaviour behaviour, String location) throws IOException {
        this.behaviour = behaviour;
        this.location = location;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 64);
        threads.execute(this::accept);
    }

    static HostileCallbackServer start(String host, Behaviour behaviour) throws IOException {
        return new HostileCallbackServer(host, behaviour, null);
    }

    static HostileCallbackServer redirecting(String host, String location) throws IOException {
        return new HostileCallbackServer(host, Behaviour.REDIRECT, location);
    }

    /** {@code http://<host>:<port>/callback}, with the host spelled as given. */
    String url(String host) {
        return "http://" + host + ":" + listener.getLocalPort() + "/callback";
    }

    String url() {
        return url(listener.getInetAddress().getHostAddress());
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Requests whose head arrived. */
    int requests() {
        return requests.get();
    }

    /** Body bytes the node took (into its socket buffers or further). */
    long bytesWritten() {
        return bytesWritten.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                open.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            while (!closed && readRequest(in)) {
                requests.incrementAndGet();
                if (!answer(in, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The node closed the connection: often the point.
        } finally {
            open.remove(socket);
        }
    }

    /** Answers one request; {@code false} when the connection is done. */
    private boolean answer(InputStream in, OutputStream out) throws IOException {
        long started = System.nanoTime();
        switch (behaviour) {
            case HUGE_BODY -> {
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + MAX_BODY + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[16 * 1024];
                for (long sent = 0; sent < MAX_BODY && !closed; sent += block.length) {
                    out.write(block);
                    bytesWritten.addAndGet(block.length);
                }
                return false;
            }
            case HANG -> {
                // Wait for the node to give up (it closes), within the test's bound.
                while (!closed && System.nanoTime() - started < MAX_CONNECTION_TIME && in.read() >= 0) {
                    // drain whatever comes
                }
                return false;
            }
            case TRICKLE -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                while (!closed && System.nanoTime() - started < MAX_CONNECTION_TIME) {
                    out.write('x');
                    out.flush();
                    bytesWritten.incrementAndGet();
                    sleep(100);
                }
                return false;
            }
            case REDIRECT -> {
                out.write(("HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return true;
            }
            case HUGE_HEAD -> {
                out.write(("HTTP/1.1 200 OK\r\nX-Padding: " + "p".repeat(64 * 1024) + "\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                return false;
            }
            default -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return true;
            }
        }
    }

    /** Reads one request's head and Content-Length body; {@code false} at end of stream. */
    private static boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            }
        }
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
