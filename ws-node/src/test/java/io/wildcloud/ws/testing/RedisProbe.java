package io.wildcloud.ws.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP client for test set-up only: asks one command of a Redis the test
 * started and returns the reply as text. Never used by production code or on an event loop.
 */
public final class RedisProbe {

    private RedisProbe() {
    }

    /**
     * Sends {@code args} as one command and returns the reply: a simple or bulk string as is, an
     * integer as its digits, an error as {@code -ERR ...}. Arrays are not read (not needed here).
     */
    public static String command(String host, int port, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            InputStream in = socket.getInputStream();
            String line = readLine(in);
            if (line.startsWith("$")) {
                int length = Integer.parseInt(line.substring(1));
                if (length < 0) {
                    return null;
                }
                byte[] body = in.readNBytes(length + 2);
                return new String(body, 0, length, StandardCharsets.UTF_8);
            }
            return line.startsWith("-") ? line : line.substring(1);
        }
    }

    /** Sends {@code args} as one command whose reply is an array of strings or integers (KEYS, LRANGE, scripts). */
    public static List<String> commandList(String host, int port, String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write(encode(args));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (!header.startsWith("*")) {
                throw new IOException("not an array reply: " + header);
            }
            int count = Integer.parseInt(header.substring(1));
            List<String> items = new ArrayList<>(Math.max(count, 0));
            for (int i = 0; i < count; i++) {
                String item = readLine(in);
                if (item.startsWith(":")) { // a script's numbers
                    items.add(item.substring(1));
                    continue;
                }
                int length = Integer.parseInt(item.substring(1));
                byte[] body = in.readNBytes(length + 2);
                items.add(new String(body, 0, length, StandardCharsets.UTF_8));
            }
            return items;
        }
    }

    private static byte[] encode(String... args) {
        StringBuilder request = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a Redis answers PING on {@code host:port}. */
    public static boolean answersPing(String host, int port) {
        try {
            return "PONG".equals(command(host, port, "PING"));
        } catch (IOException e) {
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b != -1; b = in.read()) {
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            previous = b;
        }
        throw new IOException("connection closed before a full reply line");
    }
}
