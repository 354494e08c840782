package io.wildcloud.ws.faults;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One Redis command over a fresh connection (RESP), for the rig's checks and settings: the answer
 * as text (an integer as its digits, a bulk string as it is, null for a nil), a Redis error as
 * {@link IOException}.
 */
final class RedisCommand {

    private RedisCommand() {
    }

    static String run(int port, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = line(in);
            return switch (line.charAt(0)) {
                case '+', ':' -> line.substring(1);
                case '-' -> throw new IOException("Redis answered " + line.substring(1));
                case '$' -> {
                    int length = Integer.parseInt(line.substring(1));
                    if (length < 0) {
                        yield null;
                    }
                    byte[] body = in.readNBytes(length + 2);
                    yield new String(body, 0, length, StandardCharsets.UTF_8);
                }
                default -> throw new IOException("unexpected Redis answer " + line);
            };
        }
    }

    /** Whether Redis on {@code port} answers PING with PONG (not -LOADING while it reads its AOF). */
    static boolean ready(int port) {
        try {
            return "PONG".equals(run(port, "PING"));
        } catch (IOException e) {
            return false;
        }
    }

    /** One field of {@code INFO}, e.g. {@code used_memory}. */
    static String info(int port, String field) throws IOException {
        String info = run(port, "INFO");
        for (String line : info.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new IOException("INFO has no " + field);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("Redis closed the connection");
            }
            line.write(b);
        }
        in.read();
        return line.toString(StandardCharsets.UTF_8);
    }
}
