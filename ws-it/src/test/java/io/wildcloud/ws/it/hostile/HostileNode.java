package io.wildcloud.ws.it.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.Http;
import io.wildcloud.ws.it.http.RawResponse;
import io.wildcloud.ws.it.http.WsClient;
import io.wildcloud.ws.it.node.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A node process with a small heap, watched while a test attacks it. {@link #assertSurvives} runs
 * an attack while a prober asks {@code /health} on both ports every 100 ms (each answer within
 * 1 s) and, in the middle of the attack, a normal xhr-polling and websocket session make a round
 * trip; direct memory and RSS stay under a bound throughout; afterwards the same again, the process
 * is alive and reported no leak.
 *
 * <p>Attackers connect from {@link #ATTACKER} (127.0.0.2) so that per-address limits hit them and
 * not the prober and the normal sessions, which come from 127.0.0.1.
 */
final class HostileNode implements AutoCloseable {

    /** Loopback source address of every attack connection. */
    static final String ATTACKER = "127.0.0.2";

    /** The demo application's secret, for the normal sessions. */
    static final String DEMO_SECRET = "demo-application-secret";

    /** How long a health answer may take, during and after every attack (issue 13). */
    private static final Duration HEALTH_BOUND = Duration.ofSeconds(1);
    /** Late health answers in a row on one port that fail the node (see {@link HealthProber}). */
    private static final int LATE_IN_A_ROW = 3;
    /**
     * Direct memory the node may hold at any moment of any attack: under its -XX:MaxDirectMemorySize
     * of 128 MiB with room (the chunked-body flood, with its bodies in progress, peaked at 75 MiB).
     */
    private static final long DIRECT_BOUND = 96L * 1024 * 1024;
    /** RSS of the node at any moment of any attack (-Xmx128m; it starts at ~140 MiB). Tests state tighter bounds of their own. */
    private static final long RSS_BOUND = 450L * 1024 * 1024;
    private static final Pattern DIRECT_MEMORY = Pattern.compile("(?m)^ws_netty_direct_memory_bytes\\{[^}]*} ([0-9.E+-]+)$");

    private final NodeProcess node;

    private HostileNode(NodeProcess node) {
        this.node = node;
    }

    /**
     * Starts a node with {@code -Xmx128m}, exiting on OOM (so an OOM shows as a dead process,
     * not a wedged one), with the demo application and any further flags.
     */
    static HostileNode start(String name, String... flags) {
        List<String> all = new ArrayList<>(List.of("--demo"));
        Collections.addAll(all, flags);
        return new HostileNode(NodeProcess.start(name,
                List.of("-Xmx128m", "-XX:MaxDirectMemorySize=128m", "-XX:+ExitOnOutOfMemoryError"),
                all.toArray(String[]::new)));
    }

    NodeProcess node() {
        return node;
    }

    String publicUrl() {
        return node.publicUrl();
    }

    String apiUrl() {
        return node.apiUrl();
    }

    /** A TCP connection to {@code port} from {@link #ATTACKER}; the caller closes it. */
    static Socket attackerSocket(int port) {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(ATTACKER), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            return socket;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException("cannot connect from " + ATTACKER + " to port " + port, e);
        }
    }

    /**
     * Runs {@code attack} (which must bound itself in count and time) while probing health, with a
     * normal xhr and websocket round trip after {@code normalAfter} of it; then checks the node
     * once more after the attack.
     */
    void assertSurvives(Duration normalAfter, Attack attack) throws Exception {
        HealthProber prober = new HealthProber();
        Thread probing = new Thread(prober, "health-prober");
        probing.setDaemon(true);
        probing.start();
        AtomicBoolean attackDone = new AtomicBoolean();
        Throwable[] attackFailure = new Throwable[1];
        Thread attacking = new Thread(() -> {
            try {
                attack.run();
            } catch (Throwable e) {
                attackFailure[0] = e;
            } finally {
                attackDone.set(true);
            }
        }, "attack");
        attacking.setDaemon(true);
        MemoryPeak peak = new MemoryPeak(this);
        attacking.start();
        try {
            attacking.join(normalAfter.toMillis());
            assertNormalSessionsWork("during the attack");
            attacking.join(Duration.ofMinutes(2).toMillis());
            assertTrue(attackDone.get(), "the attack did not end within 2 minutes");
        } finally {
            prober.stop();
            probing.join(5_000);
            peak.close();
        }
        if (attackFailure[0] != null) {
            throw new AssertionError("the attack itself failed", attackFailure[0]);
        }
        System.out.println("health under attack: " + prober + "; " + peak); // the figures for the issue
        assertTrue(peak.directBytes() < DIRECT_BOUND && peak.rssBytes() < RSS_BOUND, peak.toString());
        assertTrue(node.isAlive(), "node died under attack:\n" + node.logTail());
        assertEquals(List.of(), prober.failures(), "health not 200, or slower than " + HEALTH_BOUND
                + " " + LATE_IN_A_ROW + " times in a row");
        assertTrue(prober.probes() > 0, "health was never probed");
        assertNormalSessionsWork("after the attack");
        node.assertNoLeakReports();
    }

    /** A normal client: authorize, then an xhr-polling and a websocket session each get a publish. */
    void assertNormalSessionsWork(String when) {
        Http http = new Http(Duration.ofSeconds(5));
        String socket = authorize("normal-" + UUID.randomUUID());
        String xhrSession = "x" + UUID.randomUUID().toString().substring(0, 8);
        String xhr = publicUrl() + "/" + socket + "/000/" + xhrSession + "/xhr";
        assertEquals("o\n", http.post(xhr).bodyText(), "xhr open " + when);
        publish(http, socket, xhrSession, "to-xhr");
        assertEquals("a[\"to-xhr\"]\n", http.post(xhr).bodyText(), "xhr poll " + when);
        String wsSession = "w" + UUID.randomUUID().toString().substring(0, 8);
        try (WsClient ws = WsClient.connect(publicUrl() + "/" + socket + "/000/" + wsSession + "/websocket",
                Duration.ofSeconds(5))) {
            assertEquals("o", ws.nextText(), "websocket open " + when);
            publish(http, socket, wsSession, "to-ws");
            assertEquals("a[\"to-ws\"]", ws.nextText(), "websocket message " + when);
        }
    }

    /** Authorizes {@code client} for the demo application; returns its socket id. */
    String authorize(String client) {
        RawResponse answer = new Http(Duration.ofSeconds(5)).post(apiUrl() + "/authorize/" + DEMO_SECRET + "/" + client,
                // Never called (normal sessions send nothing); a name, so no callback-allow-networks is needed.
                "{\"callback\": \"http://normal-client.invalid/callback\"}");
        assertEquals(200, answer.status(), "authorize: " + answer.bodyText());
        Matcher id = Pattern.compile("\"socket_id\":\"([^\"]+)\"").matcher(answer.bodyText());
        assertTrue(id.find(), answer.bodyText());
        return id.group(1);
    }

    private void publish(Http http, String socket, String session, String message) {
        RawResponse answer = http.post(apiUrl() + "/publish/" + socket + "/" + session,
                "{\"message\": \"" + message + "\"}");
        assertEquals(200, answer.status(), "publish: " + answer.bodyText());
    }

    /** Resident set size of the node process, from /proc. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(node.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no VmRSS for pid " + node.pid());
    }

    /** Direct memory Netty holds now ({@code ws.netty.direct.memory} in /metrics). */
    long directMemoryBytes() {
        String metrics = new Http(Duration.ofSeconds(5)).get(apiUrl() + "/metrics").bodyText();
        Matcher value = DIRECT_MEMORY.matcher(metrics);
        assertTrue(value.find(), "no ws_netty_direct_memory_bytes in /metrics");
        return (long) Double.parseDouble(value.group(1));
    }

    /**
     * The value of the one sample of {@code name} in /metrics whose labels include each
     * {@code label="value"} given (e.g. {@code code="1008"}).
     */
    double metric(String name, String... labels) {
        String metrics = new Http(Duration.ofSeconds(5)).get(apiUrl() + "/metrics").bodyText();
        List<String> found = new ArrayList<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                found.add(line);
            }
        }
        assertEquals(1, found.size(), "samples of " + name + " with " + List.of(labels) + ": " + found);
        return Double.parseDouble(found.get(0).substring(found.get(0).lastIndexOf(' ') + 1));
    }

    /** Bytes the node has logged so far. */
    long logBytes() {
        try {
            return Files.size(node.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        node.close();
    }

    /** An attack; it bounds itself in count and time. */
    @FunctionalInterface
    interface Attack {
        void run() throws Exception;
    }

    /**
     * Asks /health on both ports every 100 ms, as a balancer would: an answer that is not 200 is a
     * failure; a late one (over {@link #HEALTH_BOUND}, or none) is one only as the {@link
     * #LATE_IN_A_ROW}th in a row on its port, when a balancer with the usual fall count (HAProxy's
     * {@code fall 3}, Kubernetes' {@code failureThreshold: 3}) would take the node out. A single late
     * answer is what a loaded 2-core test machine gives any process now and then.
     */
    private final class HealthProber implements Runnable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, Integer> lateInARow = new HashMap<>();
        private volatile int probes;
        private volatile int late;
        private volatile long slowestMillis;

        private final long probingSince = System.nanoTime();

        /** When a probe began, counted from the start of probing, for failure messages. */
        private String since(long probeStart) {
            return " (probe sent at +" + (probeStart - probingSince) / 1_000_000 + " ms)";
        }

        @Override
        public void run() {
            Http http = new Http(HEALTH_BOUND);
            while (running.get()) {
                for (String url : List.of(publicUrl() + "/health", apiUrl() + "/health")) {
                    long start = System.nanoTime();
                    try {
                        int status = http.get(url).status();
                        long millis = (System.nanoTime() - start) / 1_000_000;
                        slowestMillis = Math.max(slowestMillis, millis);
                        if (status != 200) {
                            failures.add(url + ": " + status + " after " + millis + " ms" + since(start));
                        } else if (millis > HEALTH_BOUND.toMillis()) {
                            late(url, "200 after " + millis + " ms" + since(start));
                        } else {
                            lateInARow.put(url, 0);
                        }
                    } catch (RuntimeException | AssertionError e) {
                        late(url, e.getMessage() + since(start));
                    }
                    probes++;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void late(String url, String what) {
            late++;
            int inARow = lateInARow.merge(url, 1, Integer::sum);
            if (inARow == LATE_IN_A_ROW) {
                failures.add(url + ": " + LATE_IN_A_ROW + " late answers in a row, the last " + what);
            }
        }

        void stop() {
            running.set(false);
        }

        int probes() {
            return probes;
        }

        @Override
        public String toString() {
            return probes + " probes, slowest answer " + slowestMillis + " ms, " + late + " late, " + failures.size()
                    + " failed";
        }

        List<String> failures() {
            synchronized (failures) {
                return List.copyOf(failures);
            }
        }
    }
}
