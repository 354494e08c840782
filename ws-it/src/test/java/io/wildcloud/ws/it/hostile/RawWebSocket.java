package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A websocket client written by hand on a socket from {@link HostileNode#ATTACKER}, so that a test
 * can send what no well-behaved client would (RSV bits, invalid UTF-8, floods) and choose not to
 * read at all. Frames it sends are masked, as a client's must be; frames it reads are the server's.
 */
final class RawWebSocket implements AutoCloseable {

    static final int TEXT = 0x1;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xa;
    static final int FIN = 0x80;
    static final int RSV1 = 0x40;

    /** A frame from the server. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /**
     * Connects from the attacker address and upgrades {@code path}, optionally with an
     * {@code Origin}; {@code receiveBuffer} bytes of kernel buffer (small for a client that will
     * not read). Fails unless the answer is 101.
     */
    static RawWebSocket open(int port, String path, String origin, int receiveBuffer) {
        String head = handshake(port, path, origin);
        try {
            RawWebSocket ws = new RawWebSocket(connect(port, receiveBuffer));
            ws.out.write(head.getBytes(StandardCharsets.US_ASCII));
            String answer = ws.readHead();
            assertTrue(answer.startsWith("HTTP/1.1 101 "), "websocket upgrade refused:\n" + answer);
            return ws;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status line and headers the server answers a websocket handshake with, and the socket closed. */
    static String refusedHandshake(int port, String path, String origin) {
        try (RawWebSocket ws = new RawWebSocket(connect(port, 64 * 1024))) {
            ws.out.write(handshake(port, path, origin).getBytes(StandardCharsets.US_ASCII));
            return ws.readHead();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A TCP connection from the attacker address with only {@code receiveBuffer} bytes of kernel
     * receive buffer, for a client that will not read; the caller closes it.
     */
    static Socket connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer); // before connect: it sets the TCP window
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(5_000);
        socket.bind(new InetSocketAddress(InetAddress.getByName(HostileNode.ATTACKER), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        return socket;
    }

    private static String handshake(int port, String path, String origin) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** One masked frame: {@code firstByte} is FIN, RSV and opcode together. */
    static byte[] frame(int firstByte, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(firstByte);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xff);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        frame.writeBytes(MASK);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ MASK[i % 4]);
        }
        return frame.toByteArray();
    }

    void send(int firstByte, byte[] payload) throws IOException {
        out.write(frame(firstByte, payload));
    }

    /** Writes raw bytes (several frames at once, say). */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    /** The next frame from the server; fails on EOF or when none comes within 5 s. */
    Frame read() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    /** Reads frames until a close frame, skipping others (pongs, messages); fails on EOF or silence. */
    Frame readUntilClose() throws IOException {
        for (Frame frame; ; ) {
            frame = read();
            if (frame.opcode() == CLOSE) {
                return frame;
            }
        }
    }

    /**
     * Reads and drops what the server sent until it closes the connection: true when it did within
     * {@code within}, false when it still held the connection open then.
     */
    boolean closedByServerWithin(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] sink = new byte[64 * 1024];
        socket.setSoTimeout(200);
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException quiet) {
                // nothing yet: look again until the deadline
            } catch (EOFException | SocketException reset) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
