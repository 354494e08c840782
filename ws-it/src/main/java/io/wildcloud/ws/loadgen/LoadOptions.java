package io.wildcloud.ws.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        boolean json) {

    public static final String USAGE = """
            usage: java -jar ws-it-loadgen.jar [--name=value ...]
              --url=http://127.0.0.1:8080[,...]   public URL(s) sessions connect to (the balancer)
              --api-url=http://127.0.0.1:8081[,...] API URL(s), round robin
              --app=SECRET                        application secret id (default: the demo application's)
              --callback=URL                      callback URL given at authorize (default: a name that never resolves)
              --sessions=100                      sessions to open, one socket each
              --transports=websocket:2,xhr-streaming:1,xhr-polling:1   mix by weight
              --rate=0                            messages per second in all; 0 = flat out
              --messages=0                        messages in all; 0 = publish until --duration ends
              --duration=30s                      how long to publish (bounded by --messages too)
              --concurrency=64                    publishes in flight at most (one per session at a time)
              --warmup=0                          messages published and delivered before measuring
              --api-connections=32                keep-alive connections per API URL, one request in flight each
              --io-threads=1                      event loops for publishing and websocket sessions
              --grace=10s                         how long to wait for deliveries after the last publish
              --json                              print the result as one JSON object on stdout
            """;

    public static LoadOptions parse(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'\n" + USAGE);
            }
            int eq = arg.indexOf('=');
            flags.put(eq < 0 ? arg.substring(2) : arg.substring(2, eq), eq < 0 ? "true" : arg.substring(eq + 1));
        }
        LoadOptions options = new LoadOptions(
                urls("url", flags.getOrDefault("url", "http://127.0.0.1:8080")),
                urls("api-url", flags.getOrDefault("api-url", "http://127.0.0.1:8081")),
                flags.getOrDefault("app", "demo-application-secret"),
                flags.getOrDefault("callback", "https://loadgen.invalid/loadgen-ignores-callbacks"),
                positive(flags, "sessions", 100),
                mix(flags.getOrDefault("transports", "websocket:2,xhr-streaming:1,xhr-polling:1")),
                nonNegative(flags, "rate", 0),
                nonNegative(flags, "messages", 0),
                duration(flags.getOrDefault("duration", "30s")),
                positive(flags, "concurrency", 64),
                duration(flags.getOrDefault("grace", "10s")),
                nonNegative(flags, "warmup", 0),
                positive(flags, "api-connections", 32),
                positive(flags, "io-threads", 1),
                Boolean.parseBoolean(flags.getOrDefault("json", "false")));
        flags.keySet().removeAll(List.of("url", "api-url", "app", "callback", "sessions", "transports", "rate",
                "messages", "duration", "concurrency", "grace", "warmup", "api-connections", "io-threads", "json"));
        if (!flags.isEmpty()) {
            throw new IllegalArgumentException("unknown option --" + flags.keySet().iterator().next() + "\n" + USAGE);
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

    private static int positive(Map<String, String> flags, String name, int fallback) {
        int value = integer(flags, name, fallback);
        if (value < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1");
        }
        return value;
    }

    private static int nonNegative(Map<String, String> flags, String name, int fallback) {
        int value = integer(flags, name, fallback);
        if (value < 0) {
            throw new IllegalArgumentException("--" + name + " must not be negative");
        }
        return value;
    }

    private static int integer(Map<String, String> flags, String name, int fallback) {
        String value = flags.getOrDefault(name, String.valueOf(fallback));
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a whole number, not '" + value + "'");
        }
    }

    private static Duration duration(String value) {
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
