package io.wildcloud.ws.node;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One warm-up client's keep-alive connection to the warm-up's private API port: publishes one
 * message at a time to a warm-up session, in the three forms applications use (by session, by
 * socket, a batch), and reads each answer whole. Opened at its first publish, and again after
 * {@link #close} (a failed session closes it: its answer may be half read).
 */
final class WarmupPublisher implements AutoCloseable {

    static final String MESSAGE = "warm-up";
    private static final int MAX_ANSWER_BYTES = 16 * 1024;

    private final StartWarmup.LoopbackSockets sockets;
    private final int port;
    private Socket socket;

    WarmupPublisher(StartWarmup.LoopbackSockets sockets, int port) {
        this.sockets = sockets;
        this.port = port;
    }

    /** Publishes {@link #MESSAGE} to the session; {@code n} picks the request's form. */
    void publish(int n, String socketId, String sessionId) throws IOException {
        if (socket == null) {
            socket = sockets.connect(port);
        }
        String path;
        String body;
        // Half by socket, the form issue 17's benchmark sends; the rest by session and as a batch.
        switch (n % 4) {
            case 2 -> {
                path = "/publish/" + socketId + "/" + sessionId;
                body = "{\"message\":\"" + MESSAGE + "\"}";
            }
            case 3 -> {
                path = "/publish";
                body = "{\"messages\":[{\"socket_id\":\"" + socketId + "\",\"session_id\":\"" + sessionId
                        + "\",\"message\":\"" + MESSAGE + "\"}]}";
            }
            // The socket has no other session open: its previous ones were closed before this one opened.
            default -> {
                path = "/publish/" + socketId;
                body = "{\"message\":\"" + MESSAGE + "\"}";
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        InputStream in = socket.getInputStream();
        skipBody(in, contentLength(StartWarmup.expectHead(in, 200)));
    }

    private static int contentLength(String head) throws IOException {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                int length = Integer.parseInt(line.substring("content-length:".length()).trim());
                if (length < 0 || length > MAX_ANSWER_BYTES) {
                    throw new IOException("publish answer of " + length + " bytes");
                }
                return length;
            }
        }
        throw new IOException("publish answer without a Content-Length: " + head);
    }

    private static void skipBody(InputStream in, int length) throws IOException {
        if (in.readNBytes(length).length < length) {
            throw new EOFException("connection closed in a publish answer");
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            sockets.close(socket);
            socket = null;
        }
    }
}
