package io.wildcloud.ws.node.config;

import io.wildcloud.ws.sockjs.AllowedOrigins;
import io.wildcloud.ws.sockjs.PeerPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a websocket peer and a browser origin may do: control-frame rates, write backlog, allowed origins.
 * Each field is one documented setting (README, "Configuration").
 *
 * @param maxWriteBacklogBytes bytes written to one public connection that may wait for its peer to
 *     read (every frame kind: messages, heartbeats, pongs, close frames, HTTP responses); beyond
 *     it the connection is cut off
 * @param maxWriteMemoryBytes bytes all connections' write backlogs may hold together, half per port;
 *     beyond it the largest backlogs are cut off
 * @param maxControlFramesPerSecond pings and pongs a websocket may send a second (and at once);
 *     beyond it the websocket is closed with 1008
 * @param allowedOrigins browser origins that may use SockJS; others get 403
 * @param maxUnknownSocketsPerSecond SockJS requests for sockets that do not exist a client address
 *     may have answered a second after asking the store, sustained; beyond, 404 at once
 * @param unknownSocketBurst as many at once
 */
public record WebSocketPolicy(long maxWriteBacklogBytes, long maxWriteMemoryBytes, int maxControlFramesPerSecond,
        AllowedOrigins allowedOrigins, int maxUnknownSocketsPerSecond, int unknownSocketBurst) {

    public static final int DEFAULT_MAX_WRITE_BACKLOG_BYTES = 4 * 1024 * 1024;

    /** This group's settings as the README and {@code --help} document them, in the README's order. */
    public static final List<SettingDefinition> DEFINITIONS = List.of(
            SettingDefinition.of("max-write-backlog", "4194304",
                    "bytes written to one public connection that may wait for a peer to read them (every "
                    + "kind: messages, heartbeats, pongs, close frames, streamed chunks, responses); past it "
                    + "the connection is cut off. Keep it above the largest batch a session may get at once"),
            SettingDefinition.described("max-write-memory", "a quarter of the JVM's max direct memory, at most 2 GiB",
                    "bytes the write backlogs of all connections may hold together, half for each port (each "
                    + "connection's first 64 KiB not counted); when they pass it, the connections with the largest "
                    + "backlogs are cut off until the rest fit, so slow readers lose and everyone else is served"),
            SettingDefinition.of("max-control-frames-per-second", "50",
                    "pings and pongs one websocket may send a second, and at once; past it the node closes it "
                    + "with 1008 and reads no more from it"),
            new SettingDefinition("allowed-origins", "*", "`*` (any)",
                    "browser origins that may use SockJS, e.g. `https://app.example,https://*.example.com`; "
                    + "other origins get 403 on every SockJS path and the websocket handshake. Requests without "
                    + "`Origin` (non-browser clients) are served. Set it in production: see "
                    + "[Security](#security)"),
            SettingDefinition.of("max-unknown-sockets-per-second", "0",
                    "`0` (off), or SockJS requests naming a socket that does not exist (404) one client address may have "
                    + "answered a second by asking the store, sustained (behind a `trusted-proxies` balancer, the "
                    + "client its `X-Forwarded-For` names; an IPv6 /64 counts as one address). Past it and "
                    + "`unknown-socket-burst`, its requests are answered 404 at once without asking, except for "
                    + "sockets this node found live in the last 5 minutes. Turn it on only where the node sees its "
                    + "clients' own addresses: see [Unknown sockets](#unknown-sockets)"),
            SettingDefinition.of("unknown-socket-burst", "100",
                    "answers for unknown sockets one client address may have at once; at least "
                    + "`max-unknown-sockets-per-second`"));

    /** The setting names this group reads. */
    public static final Set<String> SETTINGS = SettingDefinition.names(DEFINITIONS);

    /** Parses and validates; throws {@link ConfigException} naming the first bad setting. */
    public static WebSocketPolicy from(Settings settings) {
        int backlog = settings.integer("max-write-backlog", DEFAULT_MAX_WRITE_BACKLOG_BYTES, 64 * 1024, 1024 * 1024 * 1024);
        int writeMemory = settings.integer("max-write-memory", (int) defaultMaxWriteMemory(), 64 * 1024,
                Integer.MAX_VALUE);
        int controlFrames = settings.integer("max-control-frames-per-second",
                PeerPolicy.DEFAULT_MAX_CONTROL_FRAMES_PER_SECOND, 1, 100_000);
        AllowedOrigins origins = AllowedOrigins.any();
        String raw = settings.string("allowed-origins", "*");
        try {
            origins = AllowedOrigins.of(Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("allowed-origins", raw, e.getMessage());
        }
        int unknownPerSecond = settings.integer("max-unknown-sockets-per-second",
                PeerPolicy.DEFAULT_MAX_UNKNOWN_PER_SECOND, 0, 1_000_000);
        int unknownBurst = settings.integer("unknown-socket-burst", PeerPolicy.DEFAULT_UNKNOWN_BURST, 1, 1_000_000);
        if (unknownBurst < unknownPerSecond) {
            throw ConfigException.invalid("unknown-socket-burst", Integer.toString(unknownBurst),
                    "must be at least max-unknown-sockets-per-second (" + unknownPerSecond + ")");
        }
        return new WebSocketPolicy(backlog, writeMemory, controlFrames, origins, unknownPerSecond, unknownBurst);
    }

    /** A quarter of the JVM's direct memory: the rest is for request bodies, encoding and Netty's pools. */
    static long defaultMaxWriteMemory() {
        long maxDirect = io.netty.util.internal.PlatformDependent.maxDirectMemory();
        return maxDirect > 0 ? Math.min(Integer.MAX_VALUE, maxDirect / 4) : 256L * 1024 * 1024;
    }

    /** What the SockJS layer enforces of this policy. */
    public PeerPolicy peerPolicy() {
        return new PeerPolicy(maxControlFramesPerSecond, allowedOrigins, maxUnknownSocketsPerSecond, unknownSocketBurst);
    }
}
