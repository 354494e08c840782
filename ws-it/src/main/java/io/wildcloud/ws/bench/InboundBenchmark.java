package io.wildcloud.ws.bench;

import io.wildcloud.ws.loadgen.ApiClient;
import io.wildcloud.ws.loadgen.ClientLoops;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The inbound benchmark of issue 15 (not a test: it prints figures): client messages to callback
 * POSTs. {@code --clients} raw websocket clients (default 200), one socket each, each sending
 * {@code --messages} messages (default 1,000) with at most {@code --window} (default 8) not yet
 * seen at the callback, to a local callback server in this process:
 * <ul>
 *   <li>{@code memory}: one node on the memory engine;</li>
 *   <li>{@code redis}: one node on a Redis of its own.</li>
 * </ul>
 * A warm-up ({@code --warmup} messages per client, default 250) goes first; then the servers' CPU
 * is metered over the measured messages only, and it prints messages per CPU-second of the node
 * (and of node and Redis), Redis commands per message, its own CPU, and per client whether the
 * callback saw the messages in the order sent.
 */
public final class InboundBenchmark {

    private final BenchServers servers;
    private final int clients;
    private final int window;
    private final long messages;
    private final long warmup;

    private InboundBenchmark(Map<String, String> flags) throws IOException {
        this.servers = new BenchServers(flags);
        this.clients = Integer.parseInt(servers.flag("clients", "200"));
        this.window = Integer.parseInt(servers.flag("window", "8"));
        this.messages = Long.parseLong(servers.flag("messages", "1000"));
        this.warmup = Long.parseLong(servers.flag("warmup", "250"));
    }

    /**
     * Each client sends as fast as its window lets it (hundreds of messages a second on a quiet
     * machine), over the default per-session limits of 100 messages and 64 KiB a second: the
     * benchmark measures the message path's cost, not the limit, so its node allows far more.
     */
    private static final String[] UNLIMITED_CLIENT_MESSAGES = {
            "--max-client-messages-per-second=1000000", "--client-message-burst=1000000",
            "--max-client-bytes-per-second=1000000000", "--client-byte-burst=1000000000"};

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = BenchServers.flags(args);
        InboundBenchmark benchmark = new InboundBenchmark(flags);
        System.out.println(BenchServers.machine());
        String scenario = flags.getOrDefault("scenario", "both");
        if (scenario.equals("memory") || scenario.equals("both")) {
            BenchServers.Node node = benchmark.servers.startNode("in-memory", null, UNLIMITED_CLIENT_MESSAGES);
            try (ManagedProcess process = node.process()) {
                benchmark.run("one node, memory engine", node, process, null);
            }
        }
        if (scenario.equals("redis") || scenario.equals("both")) {
            BenchServers.Redis redis = benchmark.servers.startRedis();
            try (ManagedProcess redisProcess = redis.process()) {
                BenchServers.Node node = benchmark.servers.startNode("in-redis", redis.url(), UNLIMITED_CLIENT_MESSAGES);
                try (ManagedProcess process = node.process()) {
                    benchmark.run("one node, Redis engine", node, process, redis);
                }
            }
        }
    }

    private void run(String title, BenchServers.Node node, ManagedProcess nodeProcess, BenchServers.Redis redis)
            throws Exception {
        Map<String, InboundClient> byId = new LinkedHashMap<>();
        for (int i = 0; i < clients; i++) {
            byId.put("client-" + i, new InboundClient("client-" + i, window));
        }
        try (CallbackSink sink = new CallbackSink(Integer.parseInt(servers.flag("sink-threads", "1")),
                (client, message) -> byId.get(client).delivered(message));
             ClientLoops loops = ClientLoops.create(Integer.parseInt(servers.flag("io-threads", "1")))) {
            ApiClient api = new ApiClient(HttpClient.newHttpClient(),
                    List.of(URI.create("http://127.0.0.1:" + node.apiPort())));
            List<CompletableFuture<Void>> opened = new ArrayList<>();
            for (InboundClient client : byId.values()) {
                String socket = api.authorize(BenchServers.SECRET, client.clientId(), sink.url());
                opened.add(client.open(loops, URI.create("ws://127.0.0.1:" + node.publicPort() + "/" + socket
                        + "/websocket")));
            }
            CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            List<InboundClient> all = List.copyOf(byId.values());
            send(all, warmup);

            String redisHost = redis == null ? null : "127.0.0.1";
            int redisPort = redis == null ? 0 : redis.port();
            Duration ownBefore = BenchServers.ownCpu();
            Duration nodeBefore = nodeProcess.cpu();
            Duration redisBefore = redis == null ? Duration.ZERO : redis.process().cpu();
            Map<String, Long> statsBefore = BenchServers.commandStats(redisHost, redisPort);
            long started = System.nanoTime();
            long delivered = send(all, messages);
            double seconds = (System.nanoTime() - started) / 1e9;
            double nodeCpu = (nodeProcess.cpu().toNanos() - nodeBefore.toNanos()) / 1e9;
            double redisCpu = redis == null ? 0 : (redis.process().cpu().toNanos() - redisBefore.toNanos()) / 1e9;
            double ownCpu = (BenchServers.ownCpu().toNanos() - ownBefore.toNanos()) / 1e9;
            Map<String, Long> statsAfter = BenchServers.commandStats(redisHost, redisPort);
            all.forEach(InboundClient::close);

            long expected = messages * clients;
            long outOfOrder = all.stream().mapToLong(InboundClient::outOfOrder).sum();
            long repeated = all.stream().mapToLong(InboundClient::repeated).sum();
            System.out.printf(Locale.ROOT, "== inbound, %s (%s event loop(s)): %d raw websockets, window %d%n",
                    title, servers.nodeIoThreads(), clients, window);
            System.out.printf(Locale.ROOT, "messages            %d of %d at the callback in %.1f s (%.0f/s)%n",
                    delivered, expected, seconds, delivered / seconds);
            System.out.printf(Locale.ROOT, "order               %d out of order, %d repeated (per session)%n",
                    outOfOrder, repeated);
            System.out.printf(Locale.ROOT, "node CPU            %.2f s: %.0f messages per node CPU-s%n",
                    nodeCpu, delivered / nodeCpu);
            if (redis != null) {
                System.out.printf(Locale.ROOT, "Redis CPU           %.2f s: %.0f messages per node+Redis CPU-s%n",
                        redisCpu, delivered / (nodeCpu + redisCpu));
                System.out.println("Redis calls per message:" + BenchServers.perUnit(statsBefore, statsAfter, delivered));
            }
            System.out.printf(Locale.ROOT, "benchmark CPU       %.2f s (this process: clients and callback server)%n",
                    ownCpu);
            System.out.println();
        }
    }

    /**
     * Has every client send {@code count} more messages; answers how many reached the callback,
     * once all did or nothing moved for 30 s.
     */
    private static long send(List<InboundClient> all, long count) throws InterruptedException {
        long before = all.stream().mapToLong(InboundClient::deliveredCount).sum();
        long goal = before + count * all.size();
        all.forEach(client -> client.send(count));
        long last = before;
        long lastMoved = System.nanoTime();
        while (true) {
            long now = all.stream().mapToLong(InboundClient::deliveredCount).sum();
            if (now >= goal) {
                return now - before;
            }
            if (now != last) {
                last = now;
                lastMoved = System.nanoTime();
            } else if (System.nanoTime() - lastMoved > TimeUnit.SECONDS.toNanos(30)) {
                return now - before;
            }
            Thread.sleep(5);
        }
    }
}
