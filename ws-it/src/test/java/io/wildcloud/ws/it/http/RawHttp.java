package io.wildcloud.ws.it.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * One TCP connection that speaks HTTP/1.0 or 1.1 by hand, so that tests see the exact bytes a server
 * sends: every header line with duplicates, each chunk of a chunked body on its own, and the moment
 * the server closes the connection. Every read waits at most the read timeout (1 s by default, as
 * the SockJS protocol suite does), so a server that stalls fails the test instead of hanging it.
 *
 * <p>Not thread-safe: one test thread drives one connection.
 */
public final class RawHttp implements AutoCloseable {

    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(1);
    private static final int MAX_LINE = 16 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String hostHeader;

    private RawHttp(Socket socket, String hostHeader) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.hostHeader = hostHeader;
    }

    /** Connects to the host and port of {@code url}, with the default read timeout. */
    public static RawHttp connect(String url) {
        return connect(URI.create(url), DEFAULT_READ_TIMEOUT);
    }

    public static RawHttp connect(URI url, Duration readTimeout) {
        int port = url.getPort() == -1 ? 80 : url.getPort();
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.connect(new InetSocketAddress(url.getHost(), port), (int) Math.max(1000, readTimeout.toMillis()));
            return new RawHttp(socket, url.getHost() + ":" + port);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to " + url, e);
        }
    }

    /**
     * Writes a request: the request line, {@code Host} unless given, the headers in order, and,
     * when {@code body} is not null, {@code Content-Length} (unless given) and the body. A null
     * body sends no Content-Length at all.
     *
     * @param target the request target as sent: raw path and query, e.g. {@code /echo/a/b/xhr?x=1}
     * @param headers name, value, name, value...
     */
    public void send(String method, String target, String version, byte[] body, String... headers) {
        if (headers.length % 2 != 0) {
            throw new IllegalArgumentException("headers come in name, value pairs: " + Arrays.toString(headers));
        }
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/").append(version).append("\r\n");
        boolean hasHost = false;
        boolean hasLength = false;
        for (int i = 0; i < headers.length; i += 2) {
            hasHost |= headers[i].equalsIgnoreCase("host");
            hasLength |= headers[i].equalsIgnoreCase("content-length");
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (!hasHost) {
            head.append("Host: ").append(hostHeader).append("\r\n");
        }
        if (body != null && !hasLength) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + method + " " + target, e);
        }
    }

    /** Writes bytes as they are, e.g. websocket frames after an upgrade. */
    public void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a status line and the header lines, not the body. */
    public RawResponse readHead() {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new AssertionError("not an HTTP/1.x status line: '" + statusLine + "'");
        }
        String version = statusLine.substring(5, 8);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        RawHeaders headers = new RawHeaders();
        for (int count = 0; ; count++) {
            String line = readLine();
            if (line.isEmpty()) {
                break;
            }
            if (count > 200) {
                throw new AssertionError("more than 200 header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new AssertionError("malformed header line: '" + line + "'");
            }
            headers.add(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return new RawResponse(version, status, reason, headers, new byte[0]);
    }

    /**
     * Reads a whole response: the head, then the body as the head frames it (none for HEAD, 1xx,
     * 204 and 304; by Content-Length; chunked, all chunks joined; else until the server closes).
     */
    public RawResponse readResponse(String requestMethod) {
        RawResponse head = readHead();
        int status = head.status();
        if (requestMethod.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304) {
            return head;
        }
        if (head.isChunked()) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int i = 0; i < 100_000; i++) {
                byte[] chunk = readChunk();
                if (chunk.length == 0) {
                    return head.withBody(body.toByteArray());
                }
                body.writeBytes(chunk);
            }
            throw new AssertionError("more than 100000 chunks");
        }
        String length = head.header("content-length");
        if (length != null) {
            return head.withBody(readExactly(Integer.parseInt(length)));
        }
        return head.withBody(readUntilClosed());
    }

    /**
     * Reads one chunk of a chunked body and returns its data, exactly as the server framed it; an
     * empty array is the terminating chunk (its trailer is consumed).
     */
    public byte[] readChunk() {
        String sizeLine = readLine();
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
        int size;
        try {
            size = Integer.parseInt(hex, 16);
        } catch (NumberFormatException e) {
            throw new AssertionError("malformed chunk size line: '" + sizeLine + "'");
        }
        if (size == 0) {
            for (int i = 0; i < 100 && !readLine().isEmpty(); i++) {
                // trailer lines are not used by SockJS; skip them up to the blank line
            }
            return new byte[0];
        }
        byte[] data = readExactly(size);
        String end = readLine();
        if (!end.isEmpty()) {
            throw new AssertionError("chunk of " + size + " bytes not followed by CRLF but '" + end + "'");
        }
        return data;
    }

    /** Reads exactly {@code n} bytes; fails on a timeout or when the server closes first. */
    public byte[] readExactly(int n) {
        byte[] data = new byte[n];
        int done = 0;
        while (done < n) {
            int read = read(data, done, n - done);
            if (read < 0) {
                throw new AssertionError("connection closed after " + done + " of " + n + " bytes: '"
                        + new String(data, 0, done, StandardCharsets.UTF_8) + "'");
            }
            done += read;
        }
        return data;
    }

    /** Reads what the server sends until it closes the connection (at most 16 MiB). */
    public byte[] readUntilClosed() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (body.size() < 16 * 1024 * 1024) {
            int read = read(buffer, 0, buffer.length);
            if (read < 0) {
                return body.toByteArray();
            }
            body.write(buffer, 0, read);
        }
        throw new AssertionError("more than 16 MiB before the connection closed");
    }

    /**
     * Whether the server has closed the connection (end of stream, or a reset) within the read
     * timeout. Data arriving instead fails the test: the caller expected nothing more.
     */
    public boolean isClosedByServer() {
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("expected the connection to close, but read byte " + b
                        + " ('" + (char) b + "')");
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // a reset also ends the connection
        }
    }

    /** Sends a request and reads its whole response: a shortcut for keep-alive tests. */
    public RawResponse exchange(String method, String target, String version, byte[] body, String... headers) {
        send(method, target, version, body, headers);
        return readResponse(method);
    }

    private int read(byte[] data, int offset, int length) {
        try {
            return in.read(data, offset, length);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no data from the server within " + readTimeoutMillis() + " ms", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one line ending in CRLF (a bare LF is tolerated) and returns it without the ending. */
    private String readLine() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (line.size() <= MAX_LINE) {
            int read = read(one, 0, 1);
            if (read < 0) {
                throw new AssertionError("connection closed in the middle of a line: '"
                        + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            if (one[0] == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(one[0]);
        }
        throw new AssertionError("line longer than " + MAX_LINE + " bytes");
    }

    private int readTimeoutMillis() {
        try {
            return socket.getSoTimeout();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Aborts the connection as a browser does when a request is cancelled. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection can only fail when it is already gone
        }
    }
}
