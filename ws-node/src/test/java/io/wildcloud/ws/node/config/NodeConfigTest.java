package io.wildcloud.ws.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.ClientMessageLimit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {

    @Test
    void defaultsRunOneNodeOnTheMemoryEngine() {
        NodeConfig config = NodeConfig.from(Settings.load(new String[0], Map.of()));
        assertEquals(NodeConfig.Mode.PUSH, config.mode());
        assertEquals(8080, config.publicPort());
        assertEquals(8081, config.apiPort());
        assertFalse(config.usesRedis());
        assertEquals(Duration.ofSeconds(25), config.sockJs().heartbeatInterval());
        assertEquals(Duration.ofSeconds(5), config.sockJs().disconnectDelay());
        assertEquals(128 * 1024, config.sockJs().responseLimit());
        assertEquals(Duration.ofHours(24), config.socketIdleTimeout());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.ioThreads());
    }

    @Test
    void theClientMessageLimitIsReadAndItsBurstIsAtLeastItsRate() {
        assertEquals(new ClientMessageLimit(100, 500, 65_536, 262_144),
                NodeConfig.from(Settings.load(new String[0], Map.of())).sockJs().clientMessageLimit());
        assertEquals(new ClientMessageLimit(20, 40, 65_536, 262_144), NodeConfig.from(Settings.load(
                new String[] {"--max-client-messages-per-second=20", "--client-message-burst=40"}, Map.of()))
                .sockJs().clientMessageLimit());
        assertMessage("invalid setting client-message-burst=50: must be at least max-client-messages-per-second (100)",
                "--client-message-burst=50");
        assertMessage("invalid setting max-client-messages-per-second=0", "--max-client-messages-per-second=0");
    }

    @Test
    void theRequestIdBoundHoldsAFullBatch() {
        assertEquals(500, NodeConfig.from(Settings.load(new String[] {"--max-request-ids-per-application=500",
                "--max-publish-targets=500"}, Map.of())).maxRequestIdsPerApplication());
        assertMessage("invalid setting max-request-ids-per-application=999: must be at least max-publish-targets (1000),"
                + " or a full batch carrying a request id would be refused in every window",
                "--max-request-ids-per-application=999");
    }

    @Test
    void theClientByteLimitIsReadAndItsBurstHoldsAWholeFrame() {
        assertEquals(new ClientMessageLimit(100, 500, 10_000, 100_000), NodeConfig.from(Settings.load(
                new String[] {"--max-client-bytes-per-second=10000", "--client-byte-burst=100000"}, Map.of()))
                .sockJs().clientMessageLimit());
        assertEquals(new ClientMessageLimit(100, 500, 65_536, 4 * 1024 * 1024), NodeConfig.from(Settings.load(
                new String[] {"--max-message-bytes=1048576"}, Map.of())).sockJs().clientMessageLimit(),
                "the default burst is four frames of max-message-bytes");
        assertEquals(65_536, NodeConfig.from(Settings.load(new String[] {"--max-message-bytes=1000"}, Map.of()))
                .sockJs().clientMessageLimit().byteBurst(), "and never under the rate");
        assertMessage("invalid setting client-byte-burst=65535: must be at least max-message-bytes (65536), or no "
                + "frame of that size could pass", "--client-byte-burst=65535", "--max-client-bytes-per-second=1000");
        assertMessage("invalid setting client-byte-burst=100000: must be at least max-client-bytes-per-second "
                + "(200000)", "--client-byte-burst=100000", "--max-client-bytes-per-second=200000");
        assertMessage("invalid setting max-client-bytes-per-second=0", "--max-client-bytes-per-second=0");
        assertEquals(1_000_000, NodeConfig.from(Settings.load(new String[] {"--max-client-bytes-per-second=1000000"},
                Map.of())).sockJs().clientMessageLimit().byteBurst(), "an unset burst follows a rate set above it");
    }

    @Test
    void thePublishBudgetIsReadAndItsBurstHoldsTheLargestPublish() {
        NodeConfig defaults = NodeConfig.from(Settings.load(new String[0], Map.of()));
        assertEquals(64L * 1024 * 1024, defaults.applicationPublishBytesPerSecond());
        assertEquals(256L * 1024 * 1024, defaults.applicationPublishByteBurst());
        assertEquals(1024L * 1024 * 1024, NodeConfig.from(Settings.load(new String[] {"--max-message-bytes=16777216", "--max-queued-bytes=16777216"},
                Map.of())).applicationPublishByteBurst(), "an unset burst holds a largest message to 64 sessions");
        assertEquals(1_000_000_000L, NodeConfig.from(Settings.load(
                new String[] {"--max-application-publish-bytes-per-second=1000000000"}, Map.of()))
                .applicationPublishByteBurst(), "and follows a rate set above it");
        assertEquals(8_388_608L, NodeConfig.from(Settings.load(new String[] {"--application-publish-byte-burst=8388608",
                "--max-application-publish-bytes-per-second=1048576"}, Map.of())).applicationPublishByteBurst());
        assertMessage("invalid setting application-publish-byte-burst=4194303: must be at least max-message-bytes x"
                + " sessions-per-socket (4194304), or a publish of the largest message to a socket could never pass",
                "--application-publish-byte-burst=4194303", "--max-application-publish-bytes-per-second=1000");
        assertMessage("invalid setting application-publish-byte-burst=5000000: must be at least"
                + " max-application-publish-bytes-per-second (6000000)", "--application-publish-byte-burst=5000000",
                "--max-application-publish-bytes-per-second=6000000");
        assertMessage("invalid setting max-application-publish-bytes-per-second=0",
                "--max-application-publish-bytes-per-second=0");
        // 16 MiB messages to 128 sessions: a burst past 2 GiB can be set (it could not as an int).
        assertEquals(4_294_967_296L, NodeConfig.from(Settings.load(new String[] {"--max-message-bytes=16777216",
                "--max-queued-bytes=16777216", "--sessions-per-socket=128", "--new-session-burst=128",
                "--application-publish-byte-burst=4294967296"}, Map.of())).applicationPublishByteBurst());
    }

    @Test
    void theQueuesByteBoundIsReadAndHoldsAWholeMessage() {
        assertEquals(4 * 1024 * 1024, NodeConfig.from(Settings.load(new String[0], Map.of())).maxQueuedBytes());
        assertEquals(65_536, NodeConfig.from(Settings.load(new String[] {"--max-queued-bytes=65536"}, Map.of()))
                .maxQueuedBytes());
        assertMessage("invalid setting max-queued-bytes=65535: must be at least max-message-bytes (65536), or no "
                + "message of that size could be queued", "--max-queued-bytes=65535");
        assertMessage("invalid setting max-queued-bytes=0", "--max-queued-bytes=0");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ws.properties");
        Files.writeString(file, "public-port=1000\napi-port=1001\nheartbeat-interval=10s\n");
        Settings settings = Settings.load(new String[] {"--config=" + file, "--public-port=3000"},
                Map.of("WS_PUBLIC_PORT", "2000", "WS_API_PORT", "2001", "PATH", "/bin"));
        NodeConfig config = NodeConfig.from(settings);
        assertEquals(3000, config.publicPort());
        assertEquals(2001, config.apiPort());
        assertEquals(Duration.ofSeconds(10), config.sockJs().heartbeatInterval());
    }

    @Test
    void theRedisStallBoundSetsTheEnginesKeyLifetimes() {
        NodeConfig config = NodeConfig.from(Settings.load(new String[] {"--redis-url=redis://127.0.0.1:1",
                "--redis-stall-bound=90s"}, Map.of()));
        assertEquals(java.time.Duration.ofSeconds(90), config.redisStallBound());
        io.wildcloud.ws.engine.redis.RedisEngineConfig engine = io.wildcloud.ws.engine.redis.RedisEngineConfig
                .of(config.redisUrl()).withStallBound(config.redisStallBound());
        assertEquals(java.time.Duration.ofSeconds(90), engine.stallBound());
        assertEquals(java.time.Duration.ofSeconds(135), engine.holdTtl());
        // The default bound is what the engine's own defaults give.
        io.wildcloud.ws.engine.redis.RedisEngineConfig defaults = io.wildcloud.ws.engine.redis.RedisEngineConfig
                .of(config.redisUrl());
        assertEquals(defaults.stallBound(), NodeConfig.from(Settings.load(new String[0], Map.of())).redisStallBound());
        assertEquals(defaults, defaults.withStallBound(defaults.stallBound()));
        assertMessage("invalid setting redis-stall-bound=0s: must be a positive duration", "--redis-stall-bound=0s");
        assertMessage("invalid setting redis-stall-bound=1s: must be between 2s and 600s", "--redis-stall-bound=1s");
        assertMessage("invalid setting redis-stall-bound=1h: must be between 2s and 600s", "--redis-stall-bound=1h");
    }

    @Test
    void errorsNameTheSetting() {
        assertMessage("invalid setting public-port=abc", "--public-port=abc");
        assertMessage("invalid setting public-port=70000: must be between 0 and 65535", "--public-port=70000");
        assertMessage("invalid setting disconnect-delay=5: must be a positive duration", "--disconnect-delay=5");
        assertMessage("invalid setting mode=fast: must be push or protocol-test", "--mode=fast");
        assertMessage("invalid setting redis-url=localhost:6379", "--redis-url=localhost:6379");
        assertMessage("invalid setting redis-url=http://<redacted>@cache:1:", "--redis-url=http://:hunter2@cache:1");
        assertMessage("invalid setting io-threads=0: must be between 1 and 1024", "--io-threads=0");
        assertMessage("unknown setting hearbeat-interval", "--hearbeat-interval=5s");
        assertMessage("unexpected argument 'serve'", "serve");
    }

    @Test
    void unknownEnvironmentVariablesAreIgnoredAndReported() {
        NodeConfig config = NodeConfig.from(Settings.load(new String[0],
                Map.of("WS_PORT", "tcp://10.0.0.1:80", "WS_SERVICE_HOST", "10.0.0.1", "WS_API_PORT", "9000")));
        assertEquals(9000, config.apiPort());
        assertEquals(java.util.Set.of("WS_PORT", "WS_SERVICE_HOST"), config.ignoredEnvironment());
    }

    @Test
    void applicationErrorsNeverEchoTheSecret() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.load(new String[] {"--applications=shop:s3cret,brokenS3cret"}, Map.of())));
        assertTrue(error.getMessage().contains("entry 2"), error.getMessage());
        assertFalse(error.getMessage().contains("S3cret"), error.getMessage());
    }

    @Test
    void parsesApplicationsAndRedis() {
        NodeConfig config = NodeConfig.from(Settings.load(
                new String[] {"--applications=shop:s1, chat:s2", "--redis-url=redis://127.0.0.1:7000"}, Map.of()));
        assertEquals(List.of("shop:s1", "chat:s2"), config.applications());
        assertTrue(config.usesRedis());
        assertNull(NodeConfig.builder().redisUrl(null).build().redisUrl());
    }

    @Test
    void durationsTakeUnits() {
        assertEquals(Duration.ofMillis(250), Settings.parseDuration("250ms"));
        assertEquals(Duration.ofMinutes(5), Settings.parseDuration("5m"));
        assertEquals(Duration.ofDays(1), Settings.parseDuration("1d"));
        assertNull(Settings.parseDuration("5"));
        assertNull(Settings.parseDuration("s"));
    }

    @Test
    void webSocketPolicyDefaultsAndErrors() {
        WebSocketPolicy defaults = NodeConfig.builder().build().webSocketPolicy();
        assertEquals(4L * 1024 * 1024, defaults.maxWriteBacklogBytes());
        assertEquals(io.netty.util.internal.PlatformDependent.maxDirectMemory() / 4, defaults.maxWriteMemoryBytes());
        assertEquals(50, defaults.maxControlFramesPerSecond());
        assertTrue(defaults.allowedOrigins().isAny());
        WebSocketPolicy set = NodeConfig.from(Settings.load(new String[] {"--max-write-backlog=1048576",
                "--max-write-memory=33554432",
                "--max-control-frames-per-second=10", "--allowed-origins=https://app.example, https://*.example.com"},
                Map.of())).webSocketPolicy();
        assertEquals(1048576, set.maxWriteBacklogBytes());
        assertEquals(32L * 1024 * 1024, set.maxWriteMemoryBytes());
        assertEquals(10, set.peerPolicy().maxControlFramesPerSecond());
        assertEquals(List.of("https://app.example", "https://*.example.com"), set.allowedOrigins().patterns());
        assertMessage("invalid setting allowed-origins=https://app.example/: 'https://app.example/' is not an origin",
                "--allowed-origins=https://app.example/");
        assertMessage("invalid setting max-write-backlog=1000: must be between 65536", "--max-write-backlog=1000");
        assertMessage("invalid setting max-write-memory=1000: must be between 65536", "--max-write-memory=1000");
        assertMessage("invalid setting max-control-frames-per-second=0", "--max-control-frames-per-second=0");
    }

    private static void assertMessage(String expectedStart, String... args) {
        ConfigException error = assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.load(args, Map.of())));
        assertTrue(error.getMessage().startsWith(expectedStart), error.getMessage());
    }
}
