package io.wildcloud.ws.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wildcloud.ws.common.net.Cidr;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiSecurityTest {

    @Test
    void defaultsAreSafe() {
        assertEquals(new ApiSecurity(false, List.of(), 65536), ApiSecurity.from(Settings.of(Map.of())));
    }

    @Test
    void parsesEverySetting() {
        ApiSecurity security = ApiSecurity.from(Settings.of(Map.of("api-require-auth", "true",
                "callback-allow-networks", "127.0.0.0/8, ::1/128", "callback-max-response-bytes", "1024")));
        assertEquals(new ApiSecurity(true, List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")), 1024), security);
    }

    @Test
    void badValuesNameTheirSetting() {
        assertEquals("invalid setting callback-allow-networks=127.0.0.0/8,localhost/8: must be a comma-separated list"
                        + " of addresses or networks in CIDR notation such as 127.0.0.0/8,::1/128 ('localhost/8': not an"
                        + " IP address: localhost)",
                assertThrows(ConfigException.class, () -> ApiSecurity.from(Settings.of(Map.of(
                        "callback-allow-networks", "127.0.0.0/8,localhost/8")))).getMessage());
        assertEquals("invalid setting api-require-auth=maybe: must be true or false",
                assertThrows(ConfigException.class, () -> ApiSecurity.from(Settings.of(Map.of(
                        "api-require-auth", "maybe")))).getMessage());
        assertThrows(ConfigException.class, () -> ApiSecurity.from(Settings.of(Map.of(
                "callback-max-response-bytes", "-1"))));
    }
}
