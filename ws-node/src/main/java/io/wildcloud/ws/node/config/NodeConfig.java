package io.wildcloud.ws.node.config;

import io.wildcloud.ws.sockjs.SockJsOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Everything a node is told at start-up, validated once. Each field is one documented setting
 * (README, "Configuration"); {@link #from} names the setting in every error.
 */
public record NodeConfig(
        Mode mode,
        String nodeId,
        String bindHost,
        int publicPort,
        String apiBindHost,
        int apiPort,
        String redisUrl,
        String redisKeyPrefix,
        SockJsOptions sockJs,
        int maxQueuedMessages,
        List<String> applications,
        boolean demo,
        Duration socketIdleTimeout,
        int sessionsPerSocket,
        Duration callbackTimeout,
        Duration callbackRetryBudget,
        int callbackConcurrency,
        Duration drainTimeout,
        boolean jsonLogs,
        boolean metricsHistograms,
        int ioThreads,
        ConnectionLimits connectionLimits,
        WebSocketPolicy webSocketPolicy,
        ApiSecurity apiSecurity,
        Set<String> ignoredEnvironment) {

    /** What the node serves. */
    public enum Mode {
        /** The push service: sockets under {@code /<socket_id>} and the HTTP API. */
        PUSH,
        /** The four standard SockJS test services at the root, for conformance suites. */
        PROTOCOL_TEST
    }

    /** The setting names, as flags, environment variables (WS_ + upper case) and file keys. */
    public static final Set<String> SETTINGS = union(Set.of(
            "mode", "node-id", "bind-host", "public-port", "api-bind-host", "api-port",
            "redis-url", "redis-key-prefix",
            "heartbeat-interval", "disconnect-delay", "response-limit", "client-script-url", "max-message-bytes",
            "max-queued-messages", "applications", "demo", "socket-idle-timeout", "sessions-per-socket",
            "callback-timeout", "callback-retry-budget", "callback-concurrency", "drain-timeout", "log-format",
            "metrics-histograms", "io-threads"),
            ConnectionLimits.SETTINGS, WebSocketPolicy.SETTINGS, ApiSecurity.SETTINGS);

    @SafeVarargs
    private static Set<String> union(Set<String>... groups) {
        Set<String> all = new java.util.HashSet<>();
        for (Set<String> group : groups) {
            all.addAll(group);
        }
        return Set.copyOf(all);
    }

    public boolean usesRedis() {
        return redisUrl != null;
    }

    /** Parses and validates; throws {@link ConfigException} naming the first bad setting. */
    public static NodeConfig from(Settings settings) {
        Set<String> ignoredEnvironment = settings.rejectUnknown(SETTINGS);
        Mode mode = switch (settings.string("mode", "push").toLowerCase(Locale.ROOT)) {
            case "push" -> Mode.PUSH;
            case "protocol-test" -> Mode.PROTOCOL_TEST;
            default -> throw ConfigException.invalid("mode", settings.string("mode", ""), "must be push or protocol-test");
        };
        String redisUrl = settings.get("redis-url").orElse(null);
        if (redisUrl != null && !redisUrl.matches("(redis|rediss|redis-sentinel|redis-cluster)://.+")) {
            throw ConfigException.invalid("redis-url", io.wildcloud.ws.engine.redis.RedisEndpoint.redact(redisUrl),
                    "must be redis://host:port, rediss://host:port, redis-sentinel://master@host:port,... or redis-cluster://host:port,...");
        }
        String clientScriptUrl = settings.string("client-script-url", SockJsOptions.DEFAULT_CLIENT_SCRIPT_URL);
        if (!clientScriptUrl.startsWith("/") && !clientScriptUrl.startsWith("http")) {
            throw ConfigException.invalid("client-script-url", clientScriptUrl, "must start with / or http");
        }
        SockJsOptions sockJs = new SockJsOptions(true, false,
                settings.duration("heartbeat-interval", SockJsOptions.DEFAULT_HEARTBEAT_INTERVAL),
                settings.duration("disconnect-delay", SockJsOptions.DEFAULT_DISCONNECT_DELAY),
                settings.integer("response-limit", SockJsOptions.DEFAULT_RESPONSE_LIMIT, 1, Integer.MAX_VALUE),
                clientScriptUrl,
                settings.integer("max-message-bytes", SockJsOptions.DEFAULT_MAX_MESSAGE_BYTES, 1, 16 * 1024 * 1024));
        List<String> applications = settings.get("applications")
                .map(raw -> Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        for (String application : applications) {
            int colon = application.indexOf(':');
            if (colon < 1 || colon == application.length() - 1) {
                // Never echo the entry: it holds a secret.
                throw new ConfigException("invalid setting applications: each entry must be name:secret"
                        + " (entry " + (applications.indexOf(application) + 1) + " is not)");
            }
        }
        String logFormat = settings.string("log-format", "text");
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw ConfigException.invalid("log-format", logFormat, "must be text or json");
        }
        return new NodeConfig(
                mode,
                settings.string("node-id", UUID.randomUUID().toString().substring(0, 8)),
                settings.string("bind-host", "0.0.0.0"),
                settings.integer("public-port", 8080, 0, 65535),
                settings.string("api-bind-host", settings.string("bind-host", "0.0.0.0")),
                settings.integer("api-port", 8081, 0, 65535),
                redisUrl,
                settings.string("redis-key-prefix", "ws:"),
                sockJs,
                settings.integer("max-queued-messages", 1024, 1, 1_000_000),
                applications,
                settings.bool("demo", false),
                settings.duration("socket-idle-timeout", Duration.ofHours(24)),
                settings.integer("sessions-per-socket", 64, 1, 100_000),
                settings.duration("callback-timeout", Duration.ofSeconds(10)),
                settings.duration("callback-retry-budget", Duration.ofSeconds(60)),
                settings.integer("callback-concurrency", 256, 1, 100_000),
                settings.duration("drain-timeout", Duration.ofSeconds(20)),
                logFormat.equals("json"),
                settings.bool("metrics-histograms", false),
                settings.integer("io-threads", Runtime.getRuntime().availableProcessors(), 1, 1024),
                ConnectionLimits.from(settings),
                WebSocketPolicy.from(settings),
                ApiSecurity.from(settings),
                Set.copyOf(ignoredEnvironment));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a config from settings by name; for tests and embedding. */
    public static final class Builder {
        private final Map<String, String> values = new LinkedHashMap<>();

        public Builder set(String name, Object value) {
            values.put(name, String.valueOf(value));
            return this;
        }

        public Builder mode(Mode mode) {
            return set("mode", mode.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }

        public Builder bindHost(String host) {
            set("api-bind-host", host);
            return set("bind-host", host);
        }

        public Builder publicPort(int port) {
            return set("public-port", port);
        }

        public Builder apiPort(int port) {
            return set("api-port", port);
        }

        /** {@code null} keeps the embedded memory engine. */
        public Builder redisUrl(String url) {
            if (url == null) {
                values.remove("redis-url");
                return this;
            }
            return set("redis-url", url);
        }

        public NodeConfig build() {
            return from(Settings.of(values));
        }
    }
}
