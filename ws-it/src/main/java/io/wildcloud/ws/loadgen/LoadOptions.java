package io.wildcloud.ws.loadgen;

import io.wildcloud.ws.node.BuildInfo;
import io.wildcloud.ws.node.config.SettingDefinition;
import io.wildcloud.ws.node.config.SettingsHelp;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one load run does; every option is a {@code --name=value} flag.
 *
 * @param publicUrls where sessions connect (a balancer, or nodes round robin)
 * @param apiUrls where authorize and publish go, round robin
 * @param transports the mix: each transport with its weight
 * @param rate messages per second in all, or 0 for flat out
 * @param messages how many messages to publish in all (0: until {@code duration} ends)
 * @param concurrency publishes in flight at most
 * @param warmup messages published and delivered before the measured phase (not counted in the figures)
 * @param apiConnections keep-alive connections per API URL the publisher holds, one request in flight each
 * @param ioThreads event loops of the publisher and the websocket sessions
 * @param batch sockets per publish request: 1 publishes one socket per request
 *     ({@code POST /publish/<socket_id>}), more a batch ({@code POST /publish}) with a message each
 * @param messageBytes each message padded to this many bytes (0: as short as its seq and stamp allow)
 * @param sourceAddress the local address websockets and API connections bind to, or null for the
 *     system's choice: one process per loopback address (127.0.0.2, ...) lets several processes hold
 *     more connections to one balancer port than one source address has ephemeral ports
 * @param idle how long the opened sessions sit idle before publishing starts
 * @param goFile if not null, publishing waits (after {@code idle}) until this file exists, so that
 *     several load generators publish only once all have opened their sessions
 * @param closeFile if not null, once publishing and delivery are settled the sessions stay open until
 *     this file exists, so that several load generators close theirs only once all have counted: one
 *     process closing its thousands of sessions loads the store while the others still count
 * @param openConcurrency sessions being opened at once at most (a burst of thousands overruns a
 *     node's accept backlog and, on Redis, its subscription locks: the opens then fail, not queue)
 * @param target the kind of server: our node, or Nchan as issue 17's reference (websockets and
 *     single publishes only)
 * @param churn the mean lifetime of a session that closes itself ({@code --churn}), or zero
 */
public record LoadOptions(
        List<URI> publicUrls,
        List<URI> apiUrls,
        String application,
        String callbackUrl,
        int sessions,
        Map<SessionClient.Transport, Integer> transports,
        int rate,
        long messages,
        Duration duration,
        int concurrency,
        Duration grace,
        long warmup,
        int apiConnections,
        int ioThreads,
        boolean json,
        int batch,
        int messageBytes,
        String sourceAddress,
        Duration idle,
        java.nio.file.Path goFile,
        java.nio.file.Path closeFile,
        int openConcurrency,
        Target target,
        Duration churn) {

    /** Every option with its default and meaning: what {@code --help} prints and what {@link #parse} knows. */
    public static final List<SettingDefinition> OPTIONS = List.of(
            SettingDefinition.of("url", "http://127.0.0.1:8080",
                    "public URL(s) sessions connect to (the balancer), comma-separated, round robin"),
            SettingDefinition.of("api-url", "http://127.0.0.1:8081",
                    "API URL(s) authorize and publish go to, comma-separated, round robin"),
            SettingDefinition.of("app", "demo-application-secret",
                    "application secret id (the default is the one a node started with `--demo` knows)"),
            SettingDefinition.of("callback", "https://loadgen.invalid/loadgen-ignores-callbacks",
                    "callback URL given at authorize (the default names a host that never resolves)"),
            SettingDefinition.of("sessions", "100", "sessions to open, one socket each"),
            SettingDefinition.of("transports", "websocket:2,xhr-streaming:1,xhr-polling:1",
                    "the mix of transports, each with its weight"),
            SettingDefinition.of("rate", "0", "messages per second in all; `0` = flat out"),
            SettingDefinition.of("messages", "0", "messages in all; `0` = publish until `--duration` ends"),
            SettingDefinition.of("duration", "30s", "how long to publish (bounded by `--messages` too)"),
            SettingDefinition.of("concurrency", "64", "publish requests in flight at most (one per session at a time)"),
            SettingDefinition.of("batch", "1", "sockets per publish request: `1` = `POST /publish/<socket_id>`, more = one "
                    + "`POST /publish` batch with a message per socket (latency is still per message)"),
            SettingDefinition.of("message-bytes", "0", "each message padded to this many bytes (`0` = unpadded, "
                    + "~20 bytes: its seq and send time); shorter than its seq and time is not cut"),
            SettingDefinition.of("warmup", "0", "messages published and delivered before measuring"),
            SettingDefinition.of("api-connections", "32", "keep-alive connections per API URL, one request in flight each"),
            SettingDefinition.of("io-threads", "1", "event loops for publishing and websocket sessions"),
            SettingDefinition.of("grace", "10s", "how long to wait for deliveries after the last publish"),
            SettingDefinition.of("source-address", "", "local address to connect from, e.g. `127.0.0.2` (empty: the system's "
                    + "choice); one per process lets several load generators hold more than ~28,000 connections to one port"),
            SettingDefinition.of("idle", "0s", "how long the opened sessions sit idle before publishing, e.g. so that "
                    + "several load generators all have theirs open first"),
            SettingDefinition.of("go-file", "", "if set, publishing waits (after `--idle`) until this file exists, at most "
                    + "`--duration`: several load generators then publish once all have opened their sessions"),
            SettingDefinition.of("close-file", "", "if set, the sessions stay open after delivery is settled until this "
                    + "file exists, at most `--duration`: several load generators then close theirs once all have counted"),
            SettingDefinition.of("open-concurrency", "256", "sessions being opened at once at most"),
            SettingDefinition.of("target", "sockjs", "the server: `sockjs` (our node) or `nchan` (a plain websocket per "
                    + "channel at `/sub/<channel>`, `POST /pub/<channel>`; websocket sessions and `--batch=1` only)"),
            SettingDefinition.of("churn", "0s", "if set, each session closes itself (a websocket with a close frame; a "
                    + "poll or stream stops) after a lifetime drawn between half and one and a half of this, and its slot "
                    + "opens a new one at once, as tabs come and go; messages to a slot between the close and the new "
                    + "open frame count as lost with a closed session. `0s` = sessions live as long as the run"),
            SettingDefinition.of("json", "false", "`true` (or `--json` alone): print the result as one JSON object on stdout"));

    /** The program's name in {@code --version} and at the top of {@code --help}. */
    public static final String PROGRAM = "wildcloud-websockets loadgen";

    private static final String JAR = "ws-it-" + BuildInfo.current().version() + "-loadgen.jar";

    public static final String USAGE = "Usage: java -jar " + JAR + " [--name=value ...]\n"
            + "       java -jar " + JAR + " --help | --version\n"
            + "\n"
            + "Options:\n"
            + "\n"
            + SettingsHelp.render(OPTIONS, null);

    private static final Map<String, String> DEFAULTS = OPTIONS.stream()
            .collect(Collectors.toUnmodifiableMap(SettingDefinition::name, SettingDefinition::defaultValue));

    /** What {@code --help} prints: version, usage and every option. */
    public static String help(BuildInfo build) {
        return build.versionLine(PROGRAM) + "\n\n" + USAGE;
    }

    public static LoadOptions parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'\n" + USAGE);
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name + "\n" + USAGE);
            }
            flags.put(name, eq < 0 ? "true" : arg.substring(eq + 1));
        }
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        values.putAll(flags);
        Target target = Target.parse(values.get("target"));
        LoadOptions options = new LoadOptions(
                urls("url", values.get("url")),
                urls("api-url", values.get("api-url")),
                values.get("app"),
                values.get("callback"),
                positive(values, "sessions"),
                mix(values.get("transports")),
                nonNegative(values, "rate"),
                nonNegative(values, "messages"),
                parseDuration(values.get("duration")),
                positive(values, "concurrency"),
                parseDuration(values.get("grace")),
                nonNegative(values, "warmup"),
                positive(values, "api-connections"),
                positive(values, "io-threads"),
                Boolean.parseBoolean(values.get("json")),
                positive(values, "batch"),
                nonNegative(values, "message-bytes"),
                values.get("source-address").isBlank() ? null : values.get("source-address").trim(),
                parseDuration(values.get("idle")),
                values.get("go-file").isBlank() ? null : java.nio.file.Path.of(values.get("go-file").trim()),
                values.get("close-file").isBlank() ? null : java.nio.file.Path.of(values.get("close-file").trim()),
                positive(values, "open-concurrency"),
                target,
                parseDuration(values.get("churn")));
        if (options.churn().isNegative() || (!options.churn().isZero() && options.churn().toMillis() < 100)) {
            throw new IllegalArgumentException("--churn is 0s (off) or a lifetime of at least 100ms: " + values.get("churn"));
        }
        if (target == Target.NCHAN && (options.batch() != 1
                || !options.transports().keySet().equals(java.util.Set.of(SessionClient.Transport.WEBSOCKET)))) {
            throw new IllegalArgumentException("--target=nchan takes --transports=websocket and --batch=1 only");
        }
        return options;
    }

    /** The transport of session {@code index}, spreading the mix evenly. */
    public SessionClient.Transport transportOf(int index) {
        int total = transports.values().stream().mapToInt(Integer::intValue).sum();
        int slot = index % total;
        for (Map.Entry<SessionClient.Transport, Integer> entry : transports.entrySet()) {
            slot -= entry.getValue();
            if (slot < 0) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Plain http only: the publisher and the websocket sessions speak no TLS. */
    private static List<URI> urls(String flag, String value) {
        List<URI> urls = new ArrayList<>();
        for (String text : value.split(",")) {
            URI url = URI.create(text.trim());
            if (!"http".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("--" + flag + " takes http://host:port URLs, not '" + text.trim() + "'");
            }
            urls.add(url);
        }
        return urls;
    }

    private static Map<SessionClient.Transport, Integer> mix(String value) {
        Map<SessionClient.Transport, Integer> mix = new LinkedHashMap<>();
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(entry -> {
            String[] parts = entry.split(":");
            int weight = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
            if (weight > 0) {
                mix.put(SessionClient.Transport.parse(parts[0]), weight);
            }
        });
        if (mix.isEmpty()) {
            throw new IllegalArgumentException("--transports names no transport with a positive weight");
        }
        return mix;
    }

    private static int positive(Map<String, String> values, String name) {
        int value = integer(values, name);
        if (value < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1");
        }
        return value;
    }

    private static int nonNegative(Map<String, String> values, String name) {
        int value = integer(values, name);
        if (value < 0) {
            throw new IllegalArgumentException("--" + name + " must not be negative");
        }
        return value;
    }

    private static int integer(Map<String, String> values, String name) {
        String value = values.get(name);
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a whole number, not '" + value + "'");
        }
    }

    /** A duration flag's value: {@code 500ms}, {@code 30s} or {@code 5m} (the soak's flags too). */
    public static Duration parseDuration(String value) {
        String v = value.trim();
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        throw new IllegalArgumentException("durations look like 500ms, 30s or 5m: " + value);
    }
}
