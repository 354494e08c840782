package io.wildcloud.ws.faults;

import io.wildcloud.ws.loadgen.LoadOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The soak: mixed-transport load through HAProxy on three nodes and one Redis (AOF everysec), with a
 * fault every {@code --fault-every} in turn: a node killed and restarted, a node drained with SIGTERM
 * and restarted, Redis stalled for {@code --stall}, Redis killed and restarted with its AOF. Passes
 * (exit 0) with nothing lost in a session that stayed open and nothing repeated, and every node
 * ready again after each fault.
 *
 * <pre>java -cp ws-it/target/ws-it-*-loadgen.jar io.wildcloud.ws.faults.Soak --minutes=10</pre>
 */
public final class Soak {

    private static final String NODE_ENV = "--node-env=";

    static final List<Fault> CYCLE = List.of(Fault.NODE_KILL, Fault.NODE_SIGTERM, Fault.REDIS_STALL,
            Fault.REDIS_RESTART_AOF);

    public static final String USAGE = """
            usage: java -cp ws-it-loadgen.jar io.wildcloud.ws.faults.Soak [--name=value ...]
              --minutes=10          how long the load runs (or --duration=90s)
              --fault-every=60s     a fault this often, the first after half of it
              --stall=10s           how long Redis stays stopped (below the 60 s hold TTL)
              --sessions=150        sessions, one socket each
              --rate=100            messages per second in all
              --transports=websocket:2,xhr-streaming:1,xhr-polling:1
              --churn=0s            if set, each session closes itself after about this long and its
                                    slot opens a new one (tabs coming and going through the faults)
              --nodes=3             node processes
              --node-jar=PATH       default: ws-node/target/ws-node-*-all.jar
              --node-jvm-args=-Xmx256m
              --node-env=N:NAME=VALUE   an environment variable for node N's process (from 1);
                                    repeat for more, e.g. libfaketime's LD_PRELOAD and FAKETIME=-60s
              --redis-server=/usr/bin/redis-server
              --haproxy=/usr/sbin/haproxy
              --work-dir=target/soak   logs, the AOF, the HAProxy configuration
            """;

    /** Every setting of one soak. */
    public record Options(Duration duration, Duration faultEvery, Duration stall, int sessions, int rate,
                          String transports, Duration churn, FaultRig.Settings rig) {

        public static Options parse(String[] args) throws IOException {
            Map<String, String> flags = new LinkedHashMap<>();
            List<String> nodeEnvironment = new ArrayList<>();
            for (String arg : args) {
                if (!arg.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'\n" + USAGE);
                }
                if (arg.startsWith(NODE_ENV)) {
                    nodeEnvironment.add(arg.substring(NODE_ENV.length()));
                    continue;
                }
                int eq = arg.indexOf('=');
                flags.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
            }
            Duration duration = flags.containsKey("duration") ? LoadOptions.parseDuration(flags.remove("duration"))
                    : Duration.ofMinutes(Long.parseLong(flags.getOrDefault("minutes", "10")));
            flags.remove("minutes");
            Path workDir = Path.of(flags.getOrDefault("work-dir", "target/soak")).toAbsolutePath();
            int nodes = Integer.parseInt(flags.getOrDefault("nodes", "3"));
            Options options = new Options(duration,
                    LoadOptions.parseDuration(flags.getOrDefault("fault-every", "60s")),
                    LoadOptions.parseDuration(flags.getOrDefault("stall", "10s")),
                    Integer.parseInt(flags.getOrDefault("sessions", "150")),
                    Integer.parseInt(flags.getOrDefault("rate", "100")),
                    flags.getOrDefault("transports", "websocket:2,xhr-streaming:1,xhr-polling:1"),
                    LoadOptions.parseDuration(flags.getOrDefault("churn", "0s")),
                    new FaultRig.Settings(nodes,
                            flags.containsKey("node-jar") ? Path.of(flags.get("node-jar")) : findNodeJar(),
                            workDir,
                            flags.getOrDefault("redis-server", "/usr/bin/redis-server"),
                            flags.getOrDefault("haproxy", Haproxy.DEFAULT_EXECUTABLE),
                            List.of(flags.getOrDefault("node-jvm-args", "-Xmx256m").split(" ")),
                            List.of("--io-threads=1", "--drain-timeout=10s"),
                            nodeEnvironments(nodeEnvironment, nodes)));
            flags.keySet().removeAll(List.of("fault-every", "stall", "sessions", "rate", "transports", "churn", "nodes",
                    "node-jar", "node-jvm-args", "redis-server", "haproxy", "work-dir"));
            if (!flags.isEmpty()) {
                throw new IllegalArgumentException("unknown option --" + flags.keySet().iterator().next() + "\n" + USAGE);
            }
            return options;
        }

        /** {@code N:NAME=VALUE} each (the value may hold {@code =} and {@code :}), grouped by node number. */
        static Map<Integer, Map<String, String>> nodeEnvironments(List<String> specs, int nodes) {
            Map<Integer, Map<String, String>> byNode = new TreeMap<>();
            for (String spec : specs) {
                int colon = spec.indexOf(':');
                int eq = spec.indexOf('=', colon + 1);
                int node;
                try {
                    node = colon < 0 ? -1 : Integer.parseInt(spec.substring(0, colon));
                } catch (NumberFormatException e) {
                    node = -1;
                }
                if (node < 1 || node > nodes || eq <= colon + 1) {
                    throw new IllegalArgumentException(NODE_ENV + spec + ": want " + NODE_ENV
                            + "N:NAME=VALUE with N from 1 to " + nodes + "\n" + USAGE);
                }
                byNode.computeIfAbsent(node, n -> new LinkedHashMap<>())
                        .put(spec.substring(colon + 1, eq), spec.substring(eq + 1));
            }
            return byNode;
        }
    }

    /** The load's figures and every fault; {@link #passed()} is the soak's verdict. */
    public record Outcome(FaultedLoad.Result result, List<String> leakingNodes) {

        /** Nothing lost in open sessions, nothing repeated, every fault repaired, no leak report. */
        public boolean passed() {
            return result.failure() == null && result.load().clean() && leakingNodes.isEmpty()
                    && result.faults().stream().noneMatch(f -> f.fault().startsWith("redis") && f.green() == null);
        }
    }

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println(machine("before"));
        Outcome outcome = run(options, System.err);
        System.out.println(outcome.result().load().toText());
        System.out.println("faults:");
        outcome.result().faults().forEach(fault -> System.out.println("  " + fault));
        System.out.print(outcome.result().lossReport());
        if (outcome.result().failure() != null) {
            System.out.println("a fault failed: " + outcome.result().failure());
        }
        System.out.println(machine("after"));
        System.out.println(outcome.passed() ? "SOAK PASSED" : "SOAK FAILED" + (outcome.leakingNodes().isEmpty() ? ""
                : " (leak reports in " + outcome.leakingNodes() + ")"));
        System.exit(outcome.passed() ? 0 : 1);
    }

    /** Starts the rig, runs the load with the faults, stops the rig. */
    public static Outcome run(Options options, PrintStream progress) throws Exception {
        try (FaultRig rig = FaultRig.start(options.rig())) {
            progress.printf(Locale.ROOT, "rig: %s, %s, haproxy pid %d on %s%n", rig.redis(), rig.nodes(),
                    rig.balancer().pid(), rig.balancer().publicUrl());
            FaultedLoad.Result result = FaultedLoad.run(rig.loadOptions("--sessions=" + options.sessions(),
                    "--rate=" + options.rate(), "--duration=" + options.duration().toSeconds() + "s",
                    "--transports=" + options.transports(), "--churn=" + options.churn().toMillis() + "ms",
                    "--api-connections=8", "--concurrency=64"),
                    progress, plan(rig, options));
            writeLost(options.rig().workDir().resolve("lost-messages.txt"), result);
            List<String> leaking = rig.nodes().stream().filter(NodeServer::reportedLeaks).map(NodeServer::name).toList();
            return new Outcome(result, leaking);
        }
    }

    /** Every lost message listed (at most {@link io.wildcloud.ws.loadgen.LoadResult#LOST_LISTED}), for a post-mortem. */
    private static void writeLost(Path file, FaultedLoad.Result result) throws IOException {
        StringBuilder text = new StringBuilder(result.lossReport());
        result.load().lostMessages().forEach(lost -> text.append(lost).append('\n'));
        result.load().repeatedMessages().forEach(repeat -> text.append("repeated: ").append(repeat).append('\n'));
        Files.writeString(file, text);
    }

    /** A fault every {@code faultEvery}, the first after half of it, in {@link #CYCLE} order, nodes in turn. */
    static List<FaultedLoad.Planned> plan(FaultRig rig, Options options) {
        List<FaultedLoad.Planned> plan = new ArrayList<>();
        int nodeFaults = 0;
        for (int k = 0; ; k++) {
            Duration at = options.faultEvery().dividedBy(2).plus(options.faultEvery().multipliedBy(k));
            if (at.compareTo(options.duration()) >= 0) {
                return plan;
            }
            Fault fault = CYCLE.get(k % CYCLE.size());
            int node = fault.name().startsWith("NODE") ? 1 + nodeFaults++ % rig.nodes().size() : 0;
            plan.add(new FaultedLoad.Planned(at, begun -> fault.inject(rig, node, options.stall(), begun)));
        }
    }

    /** {@code ws-node/target/ws-node-*-all.jar} from the repository root or from ws-it. */
    public static Path findNodeJar() throws IOException {
        for (Path dir : List.of(Path.of("ws-node/target"), Path.of("../ws-node/target"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    var jar = files.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst();
                    if (jar.isPresent()) {
                        return jar.get().toAbsolutePath();
                    }
                }
            }
        }
        throw new IllegalArgumentException("no ws-node/target/*-all.jar: build with mvn -B -DskipTests package,"
                + " or pass --node-jar=");
    }

    /** Cores, CPU model and the load average, for the record. */
    static String machine(String when) throws IOException {
        String model = "unknown CPU";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.exists(cpuinfo)) {
            model = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(model);
        }
        Path loadavg = Path.of("/proc/loadavg");
        String load = Files.exists(loadavg) ? Files.readString(loadavg).trim() : "unknown";
        return String.format(Locale.ROOT, "machine %s: %d cores, %s, load average %s",
                when, Runtime.getRuntime().availableProcessors(), model, load);
    }
}
