package io.wildcloud.ws.node.config;

import io.wildcloud.ws.common.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Bounds on every HTTP connection of both ports: time, bytes, count and memory, per connection, per client address and per node.
 * Each field is one documented setting (README, "Configuration").
 *
 * @param requestHeadTimeout a request's head (request line and headers) must arrive within this,
 *     counted from the connection's start or from the first byte of a later request
 * @param idleTimeout a keep-alive connection with no request in progress is closed after this;
 *     held polls, streams and websockets are not idle
 * @param bodyTimeout a request body must arrive whole within this
 * @param bodyProgressBytes a body must bring at least this many bytes per {@code bodyProgressInterval}
 * @param bodyProgressInterval see {@code bodyProgressBytes}
 * @param maxConnections open connections per port
 * @param maxConnectionsPerAddress open connections per client address and port; behind a trusted
 *     proxy, requests in progress per forwarded client address
 * @param trustedProxies peers whose {@code X-Forwarded-For} names the client
 * @param maxRequestMemory bytes of request bodies and unfinished websocket messages in progress the node buffers, half per port
 */
public record ConnectionLimits(
        Duration requestHeadTimeout,
        Duration idleTimeout,
        Duration bodyTimeout,
        int bodyProgressBytes,
        Duration bodyProgressInterval,
        int maxConnections,
        int maxConnectionsPerAddress,
        List<Cidr> trustedProxies,
        long maxRequestMemory) {

    /** This group's settings as the README and {@code --help} document them, in the README's order. */
    public static final List<SettingDefinition> DEFINITIONS = List.of(
            SettingDefinition.of("request-head-timeout", "10s",
                    "a request's line and headers must arrive within this, counted from the connection's "
                    + "start or from the first byte of a later request; else 408 and the connection ends (a "
                    + "connection that sent nothing is just closed)"),
            SettingDefinition.of("idle-timeout", "60s",
                    "a keep-alive connection with no request in progress is closed after this; a held poll, a "
                    + "stream or a websocket is never idle (they have heartbeats)"),
            SettingDefinition.of("body-timeout", "60s",
                    "a request body must arrive whole within this (408 otherwise)"),
            SettingDefinition.of("body-progress-bytes", "1024",
                    "a body must bring at least this many bytes every `body-progress-interval` (408 "
                    + "otherwise); `0` turns the check off"),
            SettingDefinition.of("body-progress-interval", "10s",
                    "see `body-progress-bytes`"),
            SettingDefinition.of("max-connections", "20000",
                    "open connections per port; more are closed at accept, without an answer"),
            SettingDefinition.of("max-connections-per-address", "2000",
                    "open connections per client address and port (refused as above); a `trusted-proxies` "
                    + "peer is exempt, and its requests in progress count instead against the address its "
                    + "`X-Forwarded-For` names (429 over the cap). Many users behind one NAT share an address, "
                    + "and so does a load generator: leave room for them"),
            SettingDefinition.described("trusted-proxies", "none",
                    "addresses or CIDR blocks (`10.0.0.0/8,fd00::/8`) of the balancers in front of the node, "
                    + "whose `X-Forwarded-For` is believed (its right-most address that is not itself a trusted "
                    + "proxy)"),
            SettingDefinition.described("max-request-memory", "64 MiB, or a quarter of the JVM's max direct memory if smaller",
                    "bytes of request bodies and unfinished websocket messages in progress the node buffers, half "
                    + "for each port; a body past it gets 503 `busy`, a websocket message past it closes its websocket "
                    + "with 1013 (try again later). A single body is bounded as well: `6 x max-message-bytes + 1024` on the "
                    + "public port (room for a batch of SockJS messages), the same, but at least 4096, on the API port; "
                    + "beyond it, 413"));

    /** The setting names this group reads. */
    public static final Set<String> SETTINGS = SettingDefinition.names(DEFINITIONS);

    public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_BODY_PROGRESS_BYTES = 1024;
    public static final Duration DEFAULT_BODY_PROGRESS_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 20_000;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 2_000;
    private static final long DEFAULT_MAX_REQUEST_MEMORY = 64L * 1024 * 1024;

    /** Parses and validates; throws {@link ConfigException} naming the first bad setting. */
    public static ConnectionLimits from(Settings settings) {
        return new ConnectionLimits(
                settings.duration("request-head-timeout", DEFAULT_REQUEST_HEAD_TIMEOUT),
                settings.duration("idle-timeout", DEFAULT_IDLE_TIMEOUT),
                settings.duration("body-timeout", DEFAULT_BODY_TIMEOUT),
                settings.integer("body-progress-bytes", DEFAULT_BODY_PROGRESS_BYTES, 0, 1 << 30),
                settings.duration("body-progress-interval", DEFAULT_BODY_PROGRESS_INTERVAL),
                settings.integer("max-connections", DEFAULT_MAX_CONNECTIONS, 1, 10_000_000),
                settings.integer("max-connections-per-address", DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1, 10_000_000),
                settings.networks("trusted-proxies", "10.0.0.0/8,fd00::/8"),
                settings.integer("max-request-memory", (int) defaultMaxRequestMemory(), 64 * 1024, Integer.MAX_VALUE));
    }

    /** 64 MiB, or a quarter of the JVM's direct memory when that is smaller. */
    static long defaultMaxRequestMemory() {
        long maxDirect = io.netty.util.internal.PlatformDependent.maxDirectMemory();
        return maxDirect > 0 ? Math.min(DEFAULT_MAX_REQUEST_MEMORY, maxDirect / 4) : DEFAULT_MAX_REQUEST_MEMORY;
    }
}
