package io.wildcloud.ws.node.config;

import io.wildcloud.ws.engine.redis.RedisEngineConfig;
import io.wildcloud.ws.push.NewSocketQuota;
import io.wildcloud.ws.push.PushLimits;
import io.wildcloud.ws.push.callback.CallbackPolicy;
import io.wildcloud.ws.sockjs.ClientMessageLimit;
import io.wildcloud.ws.sockjs.SockJsOptions;
import io.wildcloud.ws.sockjs.session.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
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
        Duration redisStallBound,
        SockJsOptions sockJs,
        int maxQueuedMessages,
        int maxQueuedBytes,
        int maxPublishTargets,
        long applicationPublishBytesPerSecond,
        long applicationPublishByteBurst,
        List<String> applications,
        boolean demo,
        Duration socketIdleTimeout,
        int sessionsPerSocket,
        int newSessionsPerSecond,
        int newSessionBurst,
        long maxNewSocketsPerApplication,
        long maxRequestIdsPerApplication,
        long maxNewSocketBytesPerApplication,
        long maxNewSocketBytesPerNode,
        Duration callbackTimeout,
        Duration callbackRetryBudget,
        int callbackConcurrency,
        int callbackConcurrencyPerApplication,
        long callbackBacklogBytes,
        long callbackBacklogBytesPerApplication,
        Duration drainTimeout,
        boolean jsonLogs,
        boolean metricsHistograms,
        int ioThreads,
        int warmupConnects,
        Duration warmupTimeLimit,
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

    /**
     * Warm-up connects at start, at most (README, "Start-up warm-up"; 1,000 left half the gain,
     * BENCHMARKS.md): it stops earlier once its cost per connect is flat.
     */
    public static final int DEFAULT_WARMUP_CONNECTS = 3000;

    /**
     * The longest the warm-up holds the start: at load 12-18, 30 s made a restarted node's fault last
     * most of a minute, for a warm-up that got few connects done anyway (BENCHMARKS.md, "warm-up until flat").
     */
    public static final Duration DEFAULT_WARMUP_TIME_LIMIT = Duration.ofSeconds(10);

    /**
     * The node's own settings (not those of a group) as the README and {@code --help} document them,
     * in the README's order.
     */
    public static final List<SettingDefinition> DEFINITIONS = List.of(
            SettingDefinition.of("mode", "push",
                    "`push` (the service) or `protocol-test` (the four SockJS test services at the root)"),
            SettingDefinition.described("node-id", "random",
                    "this node's name in logs, metrics and the session store"),
            SettingDefinition.of("bind-host", "0.0.0.0",
                    "address of the public port"),
            SettingDefinition.of("public-port", "8080",
                    "SockJS for browsers, the [health checks](#health-checks), `/sockjs-client/sockjs.min.js`"),
            SettingDefinition.described("api-bind-host", "`bind-host`",
                    "address of the API port"),
            SettingDefinition.of("api-port", "8081",
                    "the HTTP API for applications, the [health checks](#health-checks), `/metrics`; never "
                    + "put it behind the public balancer"),
            SettingDefinition.described("redis-url", "none (memory engine)",
                    "`redis://host:port`, `rediss://…`, `redis-sentinel://master@host:port,…`, "
                    + "`redis-cluster://host:port,…`"),
            SettingDefinition.of("redis-key-prefix", "ws:",
                    "prefix of every Redis key and channel"),
            SettingDefinition.of("redis-stall-bound", "40s",
                    "the longest Redis stall (or failover) every session outlives, 2s to 10m: requests wait it out "
                    + "instead of failing; held sessions' keys live 1.5 times it. Above 40 s, raise the "
                    + "balancer's read timeout to `heartbeat-interval` + it + 10 s (see "
                    + "[Health checks](#health-checks))"),
            SettingDefinition.described("applications", "none",
                    "`name:secret,name:secret`; secrets are 16–256 characters of `A-Z a-z 0-9 . _ ~ -` and "
                    + "never logged"),
            SettingDefinition.of("demo", "false",
                    "adds the demo application `demo` with the well-known secret `demo-application-secret` "
                    + "(local trials only)"),
            SettingDefinition.of("heartbeat-interval", "25s",
                    "silence before a SockJS `h` frame"),
            SettingDefinition.of("disconnect-delay", "5s",
                    "how long a session lives with no receiving connection"),
            SettingDefinition.of("response-limit", "131072",
                    "bytes of frames one streaming response carries before the client opens the next"),
            SettingDefinition.of("client-script-url", "/sockjs-client/sockjs.min.js",
                    "the sockjs-client script the iframe page loads (served by the node itself)"),
            SettingDefinition.of("max-message-bytes", "65536",
                    "largest message from a browser or through the API"),
            SettingDefinition.of("max-client-messages-per-second", "100",
                    "messages a session's browser may send a second, sustained (each is one callback); see "
                    + "[Client messages](#client-messages)"),
            SettingDefinition.of("client-message-burst", "500",
                    "messages a session's browser may send at once (one SockJS frame is an array of them); at "
                    + "least `max-client-messages-per-second`. A frame over the limit is refused whole and the "
                    + "session closed with `4429`"),
            SettingDefinition.of("max-client-bytes-per-second", "65536",
                    "bytes of frames (their JSON, as `max-message-bytes` counts it) a session's browser may send a "
                    + "second, sustained; see [Client messages](#client-messages)"),
            SettingDefinition.described("client-byte-burst", "4 x `max-message-bytes` (262144), or `max-client-bytes-per-second` if more",
                    "bytes of frames a session's browser may send at once; at least `max-message-bytes` and "
                    + "`max-client-bytes-per-second`. A frame over the limit is refused whole and the session "
                    + "closed with `4429`"),
            SettingDefinition.of("max-queued-messages", "1024",
                    "pending outgoing messages per session; a publish beyond it is refused for that session"),
            SettingDefinition.of("max-queued-bytes", "4194304",
                    "bytes (UTF-8) of pending outgoing messages per session, 4 MiB as `max-write-backlog`; a publish "
                    + "beyond it is refused for that session. At least `max-message-bytes`. See "
                    + "[Queue bound](#queue-bound)"),
            SettingDefinition.of("max-publish-targets", "1000",
                    "targets (sockets or sessions) one batch publish (`POST /publish`) may name; more get 413 "
                    + "`too_many_targets`"),
            SettingDefinition.of("max-application-publish-bytes-per-second", "67108864",
                    "bytes one application's publishes may queue a second on a node, sustained: each message's"
                    + " UTF-8 bytes times the sessions that took it (64 MiB/s). While it has queued more than"
                    + " the budget holds, its publishes get 429 `too_many_publish_bytes` with `Retry-After`;"
                    + " other applications are not affected. See [Publish budget](#publish-budget)"),
            SettingDefinition.described("application-publish-byte-burst",
                    "256 MiB (268435456), or its least value if more",
                    "bytes one application's publishes may queue at once on a node; at least"
                    + " `max-message-bytes` x `sessions-per-socket` and `max-application-publish-bytes-per-second`."
                    + " A publish that could queue more (its message's bytes times every session it addresses,"
                    + " `sessions-per-socket` for a socket) gets 413 `fan_out_too_large`, nothing published"),
            SettingDefinition.of("sessions-per-socket", "64",
                    "open sessions (tabs) one socket may have"),
            SettingDefinition.of("max-new-sessions-per-second", "1",
                    "new sessions one socket may open a second on a node, sustained; more are refused with `4429`"
                    + " (each session starts with full message and byte budgets, so opening session after"
                    + " session would get around them)"),
            SettingDefinition.of("new-session-burst", "64",
                    "new sessions one socket may open at once on a node (tabs, reloads, reconnects: as many as"
                    + " `sessions-per-socket` by default); at least `max-new-sessions-per-second`"),
            SettingDefinition.of("max-new-sockets-per-application", "1000000",
                    "sockets one application may create per `socket-idle-timeout` window, over the whole cluster:"
                    + " a client authorized for the first time, or again after its socket was revoked or unused"
                    + " for the idle timeout (a user back after a day counts again); more get 429"
                    + " `too_many_sockets` until the next window. Bounds what one application can make the store"
                    + " hold (its sockets never used number at most twice this): size it to the application's"
                    + " users seen a day, with room"),
            SettingDefinition.of("max-request-ids-per-application", "100000",
                    "request ids (`Idempotency-Key`) one application's publishes may make the service remember per"
                    + " 5-minute window, over the whole cluster (the publishes without a bearer token share one"
                    + " count); a publish with a new one past it gets 429 `too_many_request_ids` (a batch: that"
                    + " result per target) until the next window, a repeat of a remembered one is still answered."
                    + " Each is a few hundred bytes of the store for 5 minutes, which the publish budget does not"
                    + " charge: this bounds them (at most twice this remembered at once); at least `max-publish-targets`"),
            SettingDefinition.described("max-new-socket-bytes-per-application",
                    "1 GiB on Redis; on the memory engine a sixteenth of the max heap, at most 1 GiB",
                    "bytes the sockets one application creates per `socket-idle-timeout` window may hold, over the"
                    + " whole cluster: each new socket counts 1024 plus twice the UTF-8 bytes of its client id and"
                    + " callback URL (at least what it holds on either engine: 1,196 for a 36-character id and a"
                    + " 50-character URL, 5,632 for a 256-character id and a 2,048-character URL). An authorize that would pass it gets 429"
                    + " `too_many_sockets` until the next window, nothing created; its clients that have a socket"
                    + " keep theirs (one authorized again with a longer callback is charged twice its growth, and"
                    + " past it gets the 429 and keeps its old callback). Beside `max-new-sockets-per-application`,"
                    + " it bounds what one application's never-used sockets make the store hold (at most twice"
                    + " this) whatever the size of its ids and URLs; sockets in use live on past their window"),
            SettingDefinition.described("max-new-socket-bytes-per-node",
                    "an eighth of the JVM's max heap",
                    "memory engine only (ignored on Redis): bytes the sockets all applications create on the node"
                    + " per `socket-idle-timeout` window may hold, counted as for"
                    + " `max-new-socket-bytes-per-application`. Each application's own budget left many"
                    + " applications together free to fill the heap; past this an authorize gets 429"
                    + " `too_many_sockets` naming the node's budget until the next window, nothing created, and"
                    + " clients that have a socket keep theirs. Like the per-application budget it is per window,"
                    + " not given back when sockets expire or are revoked: never-used sockets hold at most twice"
                    + " this (a quarter of the heap by default)"),
            SettingDefinition.of("socket-idle-timeout", "24h",
                    "an unused socket is forgotten after this (on Redis, up to 1/16 later: see "
                    + "[docs/push-api.md](docs/push-api.md))"),
            SettingDefinition.of("callback-timeout", "10s",
                    "one callback attempt"),
            SettingDefinition.of("callback-retry-budget", "60s",
                    "how long a callback is retried (network errors, timeouts, 5xx)"),
            SettingDefinition.of("callback-concurrency", "256",
                    "callback requests in flight per node"),
            SettingDefinition.of("callback-concurrency-per-application", "64",
                    "callback requests one application may have in flight per node, over all its callback "
                    + "origins (at most `callback-concurrency` takes effect): an application whose callbacks "
                    + "hang holds this many and no more, the others keep the rest. One origin holds at most 64"),
            SettingDefinition.described("callback-backlog-bytes", "an eighth of the JVM's max heap, at most 1 GiB",
                    "bytes of client messages a node holds for callbacks not yet settled (delivered, refused or "
                    + "given up), over all applications; a frame counts 4096 (a waiting send holds its request and connection) and each of its messages its UTF-8 bytes plus 64. A client's "
                    + "frame that would pass it is refused whole: an `xhr_send` or `jsonp_send` gets 503 "
                    + "`callback_backlog_full`, a websocket's session is closed with `4503`. See "
                    + "[API and callbacks](#api-and-callbacks)"),
            SettingDefinition.of("callback-backlog-bytes-per-application", "16777216",
                    "the same for one application (at most `callback-backlog-bytes` takes effect): an "
                    + "application whose callbacks hang or fail holds this much of the node's heap and no "
                    + "more, its clients' further messages are refused, the other applications' are taken. One "
                    + "socket (a user, all its tabs) holds at most a quarter of it, but always one frame, so one "
                    + "user cannot refuse the rest of its application"),
            SettingDefinition.of("drain-timeout", "20s",
                    "on SIGTERM, the longest the node drains (hands its sessions on, finishes in-flight "
                    + "callbacks) before it exits"),
            SettingDefinition.of("log-format", "text",
                    "`text` or `json` (one JSON object per line)"),
            SettingDefinition.of("metrics-histograms", "false",
                    "`true` adds percentile histograms (`_bucket` series, about 70 per timer) to "
                    + "`ws.publish`, `ws.callback.latency` and `ws.redis.command` in `/metrics`, for "
                    + "`histogram_quantile`; see [Metrics](#metrics)"),
            SettingDefinition.described("io-threads", "number of cores",
                    "event loops serving both ports and the Redis engine's connections (native epoll on "
                    + "Linux, NIO elsewhere); more than the cores only adds hand-offs between loops. On a "
                    + "machine the node shares with other busy processes (Redis, another node, a load "
                    + "generator), give it about the cores it gets: on 2 shared cores one loop used ~15% less "
                    + "CPU per message than two, with p99 latency 2 ms instead of 8 (see BENCHMARKS.md)"),
            SettingDefinition.of("warmup-connects", Integer.toString(DEFAULT_WARMUP_CONNECTS),
                    "at most this many websocket sessions the node opens against itself before it binds its ports "
                    + "(0 to 100000; 0: none), each with 4 publishes through a private API port, through a private "
                    + "memory engine, plus as many reads of absent sockets on Redis: nothing is written to the store "
                    + "and no callback is called. It stops earlier once its CPU per session stops falling. A fresh "
                    + "JVM serves its first thousands of connects at about half speed; see "
                    + "[Start-up warm-up](#start-up-warm-up)"),
            SettingDefinition.of("warmup-time-limit", DEFAULT_WARMUP_TIME_LIMIT.toSeconds() + "s",
                    "the longest the start-up warm-up holds the start (1s to 300s), whatever it reached: on a "
                    + "loaded host it bounds the restart-to-ready time"));

    /**
     * Every setting, in the order of the README's settings table: the node's own, then connection
     * limits, websocket policy and API security. {@code --help} prints them; a test holds the README to them.
     */
    public static final List<SettingDefinition> ALL_DEFINITIONS = concat(DEFINITIONS,
            ConnectionLimits.DEFINITIONS, WebSocketPolicy.DEFINITIONS, ApiSecurity.DEFINITIONS);

    /** The setting names, as flags, environment variables (WS_ + upper case) and file keys. */
    public static final Set<String> SETTINGS = SettingDefinition.names(ALL_DEFINITIONS);

    @SafeVarargs
    private static List<SettingDefinition> concat(List<SettingDefinition>... groups) {
        List<SettingDefinition> all = new ArrayList<>();
        for (List<SettingDefinition> group : groups) {
            all.addAll(group);
        }
        return List.copyOf(all);
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
        int maxMessageBytes = settings.integer("max-message-bytes", SockJsOptions.DEFAULT_MAX_MESSAGE_BYTES, 1,
                16 * 1024 * 1024);
        SockJsOptions sockJs = new SockJsOptions(true, false,
                settings.duration("heartbeat-interval", SockJsOptions.DEFAULT_HEARTBEAT_INTERVAL),
                settings.duration("disconnect-delay", SockJsOptions.DEFAULT_DISCONNECT_DELAY),
                settings.integer("response-limit", SockJsOptions.DEFAULT_RESPONSE_LIMIT, 1, Integer.MAX_VALUE),
                clientScriptUrl,
                maxMessageBytes,
                clientMessageLimit(settings, maxMessageBytes));
        int maxQueuedBytes = settings.integer("max-queued-bytes", SessionStore.DEFAULT_MAX_QUEUE_BYTES, 1,
                Integer.MAX_VALUE);
        if (maxQueuedBytes < maxMessageBytes) {
            throw ConfigException.invalid("max-queued-bytes", Integer.toString(maxQueuedBytes),
                    "must be at least max-message-bytes (" + maxMessageBytes + "), or no message of that size could be queued");
        }
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
                settings.duration("redis-stall-bound", RedisEngineConfig.DEFAULT_STALL_BOUND,
                        RedisEngineConfig.MIN_STALL_BOUND, RedisEngineConfig.MAX_STALL_BOUND),
                sockJs,
                settings.integer("max-queued-messages", 1024, 1, 1_000_000),
                maxQueuedBytes,
                settings.integer("max-publish-targets", 1000, 1, 100_000),
                publishBytesPerSecond(settings),
                publishByteBurst(settings, maxMessageBytes),
                applications,
                settings.bool("demo", false),
                settings.duration("socket-idle-timeout", Duration.ofHours(24)),
                settings.integer("sessions-per-socket", 64, 1, 100_000),
                settings.integer("max-new-sessions-per-second", 1, 1, 100_000),
                newSessionBurst(settings),
                settings.integer("max-new-sockets-per-application", 1_000_000, 1, 1_000_000_000),
                maxRequestIds(settings),
                settings.longInteger("max-new-socket-bytes-per-application", redisUrl != null
                        ? NewSocketQuota.DEFAULT_REDIS_MAX_NEW_BYTES_PER_APPLICATION
                        : NewSocketQuota.defaultMemoryMaxNewBytes(), 1, 1L << 40),
                settings.longInteger("max-new-socket-bytes-per-node",
                        NewSocketQuota.defaultMemoryMaxNewBytesPerNode(), 1, 1L << 40),
                settings.duration("callback-timeout", Duration.ofSeconds(10)),
                settings.duration("callback-retry-budget", Duration.ofSeconds(60)),
                settings.integer("callback-concurrency", 256, 1, 100_000),
                settings.integer("callback-concurrency-per-application", 64, 1, 100_000),
                settings.longInteger("callback-backlog-bytes", CallbackPolicy.defaultMaxBacklogBytes(), 1, 1L << 40),
                settings.longInteger("callback-backlog-bytes-per-application",
                        CallbackPolicy.DEFAULT_MAX_BACKLOG_BYTES_PER_APPLICATION, 1, 1L << 40),
                settings.duration("drain-timeout", Duration.ofSeconds(20)),
                logFormat.equals("json"),
                settings.bool("metrics-histograms", false),
                settings.integer("io-threads", Runtime.getRuntime().availableProcessors(), 1, 1024),
                settings.integer("warmup-connects", DEFAULT_WARMUP_CONNECTS, 0, 100_000),
                settings.duration("warmup-time-limit", DEFAULT_WARMUP_TIME_LIMIT, Duration.ofSeconds(1),
                        Duration.ofSeconds(300)),
                ConnectionLimits.from(settings),
                WebSocketPolicy.from(settings),
                ApiSecurity.from(settings),
                Set.copyOf(ignoredEnvironment));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a config from settings by name; for tests and embedding (warm-up off by default). */
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

        /** No start-up warm-up unless {@code warmup-connects} is set: tests start many nodes. */
        public NodeConfig build() {
            Map<String, String> settings = new LinkedHashMap<>(values);
            settings.putIfAbsent("warmup-connects", "0");
            return from(Settings.of(settings));
        }
    }

    /** A batch's request id counts each target: a bound below a batch's size would refuse it every time. */
    private static int maxRequestIds(Settings settings) {
        int targets = settings.integer("max-publish-targets", 1000, 1, 100_000);
        int bound = settings.integer("max-request-ids-per-application", 100_000, 1, 100_000_000);
        if (bound < targets) {
            throw ConfigException.invalid("max-request-ids-per-application", String.valueOf(bound),
                    "must be at least max-publish-targets (" + targets + "), or a full batch carrying a request id"
                    + " would be refused in every window");
        }
        return bound;
    }

    private static int newSessionBurst(Settings settings) {
        int perSecond = settings.integer("max-new-sessions-per-second", 1, 1, 100_000);
        int burst = settings.integer("new-session-burst", PushLimits.DEFAULT_NEW_SESSION_BURST, 1, 100_000);
        if (burst < perSecond) {
            throw ConfigException.invalid("new-session-burst", String.valueOf(burst),
                    "must be at least max-new-sessions-per-second (" + perSecond + ")");
        }
        return burst;
    }

    /** 1 TiB: past 2 GiB, for max-message-bytes x sessions-per-socket may be more than that. */
    private static final long MAX_PUBLISH_BYTES = 1L << 40;

    private static long publishBytesPerSecond(Settings settings) {
        return settings.longInteger("max-application-publish-bytes-per-second",
                PushLimits.DEFAULT_PUBLISH_BYTES_PER_SECOND, 1, MAX_PUBLISH_BYTES);
    }

    /** Unset, it follows the largest single publish and the rate up, as client-byte-burst does. */
    private static long publishByteBurst(Settings settings, int maxMessageBytes) {
        long perSecond = publishBytesPerSecond(settings);
        long largestPublish = (long) maxMessageBytes * settings.integer("sessions-per-socket", 64, 1, 100_000);
        if (settings.get("application-publish-byte-burst").isEmpty()) {
            return Math.max(PushLimits.DEFAULT_PUBLISH_BYTE_BURST, Math.max(perSecond, largestPublish));
        }
        long burst = settings.longInteger("application-publish-byte-burst", 1, 1, MAX_PUBLISH_BYTES);
        if (burst < largestPublish) {
            throw ConfigException.invalid("application-publish-byte-burst", String.valueOf(burst),
                    "must be at least max-message-bytes x sessions-per-socket (" + largestPublish
                            + "), or a publish of the largest message to a socket could never pass");
        }
        if (burst < perSecond) {
            throw ConfigException.invalid("application-publish-byte-burst", String.valueOf(burst),
                    "must be at least max-application-publish-bytes-per-second (" + perSecond + ")");
        }
        return burst;
    }

    private static ClientMessageLimit clientMessageLimit(Settings settings, int maxMessageBytes) {
        int perSecond = settings.integer("max-client-messages-per-second", ClientMessageLimit.DEFAULT_PER_SECOND,
                1, 1_000_000_000);
        int burst = settings.integer("client-message-burst", ClientMessageLimit.DEFAULT_BURST, 1, 1_000_000_000);
        if (burst < perSecond) {
            throw ConfigException.invalid("client-message-burst", String.valueOf(burst),
                    "must be at least max-client-messages-per-second (" + perSecond + ")");
        }
        int bytesPerSecond = settings.integer("max-client-bytes-per-second", ClientMessageLimit.DEFAULT_BYTES_PER_SECOND,
                1, 1_000_000_000);
        // Unset, it follows the rate up (review5: a rate set above the default burst failed the start
        // over a setting the operator never set).
        int byteBurst = settings.integer("client-byte-burst",
                Math.max(bytesPerSecond, ClientMessageLimit.defaultByteBurst(maxMessageBytes)), 1, Integer.MAX_VALUE);
        if (byteBurst < maxMessageBytes) {
            throw ConfigException.invalid("client-byte-burst", String.valueOf(byteBurst),
                    "must be at least max-message-bytes (" + maxMessageBytes + "), or no frame of that size could pass");
        }
        if (byteBurst < bytesPerSecond) {
            throw ConfigException.invalid("client-byte-burst", String.valueOf(byteBurst),
                    "must be at least max-client-bytes-per-second (" + bytesPerSecond + ")");
        }
        return new ClientMessageLimit(perSecond, burst, bytesPerSecond, byteBurst);
    }
}
