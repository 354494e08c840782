package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SocketIdsTest {

    @Test
    void idsAreUrlSafeWithoutDotsAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = SocketIds.next();
            assertEquals(32, id.length());
            assertTrue(id.matches("[A-Za-z0-9_-]+"), id);
            assertTrue(SocketIds.isWellFormed(id));
            assertTrue(seen.add(id), "repeated id " + id);
        }
    }

    @Test
    void otherFormsAreNotSocketIds() {
        assertFalse(SocketIds.isWellFormed(null));
        assertFalse(SocketIds.isWellFormed("echo"));
        assertFalse(SocketIds.isWellFormed("a".repeat(31) + "."));
        assertFalse(SocketIds.isWellFormed("a".repeat(33)));
        // Neighbours of the allowed ranges, and characters base64 has but the URL-safe alphabet not.
        for (char c : "@[`{/:+=. \u00e9".toCharArray()) {
            assertFalse(SocketIds.isWellFormed("A".repeat(31) + c), "accepted " + c);
        }
        assertTrue(SocketIds.isWellFormed("AZaz09-_".repeat(4)));
    }
}
