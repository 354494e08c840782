package io.wildcloud.ws.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.common.net.Cidr;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

    @Test
    void defaultsAreSafe() {
        ConnectionLimits limits = NodeConfig.from(Settings.load(new String[0], Map.of())).connectionLimits();
        assertEquals(Duration.ofSeconds(10), limits.requestHeadTimeout());
        assertEquals(Duration.ofSeconds(60), limits.idleTimeout());
        assertEquals(Duration.ofSeconds(60), limits.bodyTimeout());
        assertEquals(1024, limits.bodyProgressBytes());
        assertEquals(Duration.ofSeconds(10), limits.bodyProgressInterval());
        assertEquals(20_000, limits.maxConnections());
        assertEquals(2_000, limits.maxConnectionsPerAddress());
        assertEquals(List.of(), limits.trustedProxies());
        assertTrue(limits.maxRequestMemory() <= 64L * 1024 * 1024, "at most 64 MiB: " + limits.maxRequestMemory());
    }

    @Test
    void everySettingIsRead() {
        ConnectionLimits limits = NodeConfig.from(Settings.load(new String[] {"--request-head-timeout=2s",
                "--idle-timeout=3s", "--body-timeout=4s", "--body-progress-bytes=10", "--body-progress-interval=5s",
                "--max-connections=7", "--max-connections-per-address=6", "--trusted-proxies=10.0.0.0/8, ::1",
                "--max-request-memory=1048576"}, Map.of())).connectionLimits();
        assertEquals(new ConnectionLimits(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(4), 10,
                Duration.ofSeconds(5), 7, 6, List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1")), 1_048_576), limits);
    }

    @Test
    void errorsNameTheSetting() {
        assertMessage("invalid setting trusted-proxies=10.0.0.0/33: must be a comma-separated list",
                "--trusted-proxies=10.0.0.0/33");
        assertMessage("invalid setting trusted-proxies=balancer.internal: must be", "--trusted-proxies=balancer.internal");
        assertMessage("invalid setting max-connections=0: must be between 1", "--max-connections=0");
        assertMessage("invalid setting request-head-timeout=0s: must be a positive duration", "--request-head-timeout=0s");
        assertMessage("invalid setting max-request-memory=1000: must be between 65536", "--max-request-memory=1000");
    }

    private static void assertMessage(String start, String... args) {
        ConfigException error = assertThrows(ConfigException.class,
                () -> NodeConfig.from(Settings.load(args, Map.of())));
        assertTrue(error.getMessage().startsWith(start), error.getMessage());
    }
}
