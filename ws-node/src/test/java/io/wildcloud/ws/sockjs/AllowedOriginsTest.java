package io.wildcloud.ws.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowedOriginsTest {

    private final AllowedOrigins origins = AllowedOrigins.of(List.of("https://app.example", "https://*.example.com",
            "http://localhost:3000"));

    @Test
    void exactOriginsMatchIgnoringCase() {
        assertTrue(origins.allows("https://app.example"));
        assertTrue(origins.allows("HTTPS://App.Example"));
        assertFalse(origins.allows("http://app.example"), "another scheme");
        assertFalse(origins.allows("https://app.example:8443"), "another port");
        assertFalse(origins.allows("https://app.example.evil"));
        assertTrue(origins.allows("http://localhost:3000"));
        assertFalse(origins.allows("http://localhost"));
    }

    @Test
    void wildcardsMatchSubdomainsOnly() {
        assertTrue(origins.allows("https://a.example.com"));
        assertTrue(origins.allows("https://a.b.example.com"));
        assertFalse(origins.allows("https://example.com"), "the wildcard needs a label");
        assertFalse(origins.allows("https://evilexample.com"));
        assertFalse(origins.allows("https://a.example.com:8443"), "the port is part of the pattern");
        assertFalse(origins.allows("https://a.example.com.evil"));
        assertFalse(origins.allows("https://user@x.example.com"));
    }

    @Test
    void requestsWithoutAnOriginAreNotFromBrowserPagesAndAllowed() {
        assertTrue(origins.allows(null));
        assertTrue(origins.allows(""));
        assertFalse(origins.allows("null"), "file:// pages and sandboxed frames are foreign");
    }

    @Test
    void anyIsTheDefaultAndStar() {
        assertTrue(AllowedOrigins.any().allows("https://evil.example"));
        assertTrue(AllowedOrigins.of(List.of("*")).isAny());
        assertTrue(AllowedOrigins.of(List.of()).isAny());
        assertEquals(List.of("https://app.example", "https://*.example.com", "http://localhost:3000"), origins.patterns());
    }

    @Test
    void entriesThatAreNotOriginsAreRefusedByName() {
        for (String bad : new String[] {"app.example", "https://app.example/", "https://app.example/path",
                "https://*", "*.example.com", "https://a.*.example.com"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AllowedOrigins.of(List.of(bad)), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is not an origin"), e.getMessage());
        }
    }
}
