package io.wildcloud.ws.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Watches a test's own Redis with MONITOR, to count the commands clients send (round trips):
 * MONITOR marks commands that scripts run as {@code [.. lua]}, and those are not counted. Only
 * for a Redis the test started: MONITOR slows a server down.
 */
public final class RedisMonitor implements AutoCloseable {

    private final Socket socket;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    /** Client commands with the commands their scripts ran: what INFO commandstats counts, per call. */
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private RedisMonitor(Socket socket) {
        this.socket = socket;
        this.reader = new Thread(this::read, "redis-monitor");
        reader.setDaemon(true);
        reader.start();
    }

    public static RedisMonitor start(String host, int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 1000);
        OutputStream out = socket.getOutputStream();
        out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new RedisMonitor(socket);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.startsWith("+") || !line.contains("] \"")) {
                    continue;
                }
                String command = line.substring(line.indexOf("] \"") + 2);
                if (!line.contains(" lua] ")) {
                    commands.add(command);
                    calls.add(new Call(command, new CopyOnWriteArrayList<>()));
                } else if (!calls.isEmpty()) {
                    // A script runs whole, so what it runs follows its own EVALSHA in MONITOR's output.
                    calls.get(calls.size() - 1).inScript().add(command);
                }
            }
        } catch (IOException e) {
            // Closed by close().
        }
    }

    /** Sends {@code ECHO marker} from another connection and waits until MONITOR saw it. */
    public int mark(String host, int port, String marker) throws IOException, InterruptedException {
        RedisProbe.command(host, port, "ECHO", marker);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (int i = commands.size() - 1; i >= 0; i--) {
                if (commands.get(i).contains("\"" + marker + "\"")) {
                    return i;
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("MONITOR did not see marker " + marker);
    }

    /** Client commands seen between two marks (exclusive), as {@code "name" "arg" ...}. */
    public List<String> between(int fromMark, int toMark) {
        // A snapshot first: a sub-list of the live list fails if the reader adds a command meanwhile.
        return List.copyOf(commands).subList(fromMark + 1, toMark);
    }

    /** Every client command seen so far, as {@code "name" "arg" ...}. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    /**
     * A client command and, for a script, the commands it ran: {@link #cost()} is what INFO
     * commandstats counts for it.
     */
    public record Call(String command, List<String> inScript) {

        public int cost() {
            return 1 + inScript.size();
        }
    }

    /**
     * The commands Redis ran for client calls naming {@code fragment} (a key's hash tag, say),
     * scripts' own commands included, as INFO commandstats counts them; every call seen so far.
     */
    public List<Call> callsNaming(String fragment) {
        return calls.stream().filter(call -> call.command().contains(fragment)).toList();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
