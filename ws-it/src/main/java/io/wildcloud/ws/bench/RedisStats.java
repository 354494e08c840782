package io.wildcloud.ws.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Reads Redis's own counters over RESP: commands processed, so we can count round trips per message. */
final class RedisStats {

    private RedisStats() {
    }

    /** {@code total_commands_processed} of the Redis at {@code host:port}. */
    static long commandsProcessed(String host, int port) throws IOException {
        String info = info(host, port, "stats");
        for (String line : info.split("\r\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IOException("no total_commands_processed in INFO stats");
    }

    /** Calls per command ({@code cmdstat_evalsha:calls=...}) from INFO commandstats. */
    static java.util.Map<String, Long> callsByCommand(String host, int port) throws IOException {
        java.util.Map<String, Long> calls = new java.util.TreeMap<>();
        for (String line : info(host, port, "commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                int start = line.indexOf("calls=") + "calls=".length();
                int end = line.indexOf(',', start);
                calls.put(name, Long.parseLong(line.substring(start, end)));
            }
        }
        return calls;
    }

    /** One numeric field of an INFO section, e.g. {@code used_memory} of {@code memory}. */
    static double field(String host, int port, String section, String name) throws IOException {
        for (String line : info(host, port, section).split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new IOException("no " + name + " in INFO " + section);
    }

    /** Keys in database 0 ({@code db0:keys=...} of INFO keyspace; 0 when it is empty). */
    static long keys(String host, int port) throws IOException {
        for (String line : info(host, port, "keyspace").split("\r\n")) {
            if (line.startsWith("db0:keys=")) {
                return Long.parseLong(line.substring("db0:keys=".length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    /** CPU seconds (user + system, main thread and others) Redis has used so far. */
    static double cpuSeconds(String host, int port) throws IOException {
        return field(host, port, "cpu", "used_cpu_user") + field(host, port, "cpu", "used_cpu_sys");
    }

    /** {@code CLUSTER INFO}'s text, or "" while the server does not answer it yet. */
    static String clusterInfo(String host, int port) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("*2\r\n$7\r\nCLUSTER\r\n$4\r\nINFO\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[4096];
            int read = socket.getInputStream().read(reply);
            return read <= 0 ? "" : new String(reply, 0, read, StandardCharsets.US_ASCII);
        } catch (IOException notYet) {
            return "";
        }
    }

    static String info(String host, int port, String section) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$4\r\nINFO\r\n$" + section.length() + "\r\n" + section + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder header = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("Redis closed the connection");
                }
                header.append((char) c);
            }
            int length = Integer.parseInt(header.substring(1).trim());
            byte[] body = in.readNBytes(length);
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
