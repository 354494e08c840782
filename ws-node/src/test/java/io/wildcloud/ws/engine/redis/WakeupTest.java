package io.wildcloud.ws.engine.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.sockjs.session.SessionKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wake-up format as wakeup.lua writes it: lengths in bytes, not characters. */
class WakeupTest {

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsAMessageWakeupWithMultiByteText() {
        // "sé" is 3 bytes, "€" 3 bytes, "a:b" 3 bytes.
        Wakeup wakeup = Wakeup.read(bytes("m4:sock3:sé17:3:3:€3:a:b0:"));
        assertEquals(new SessionKey("sock", "sé"), wakeup.session());
        assertFalse(wakeup.isClose());
        assertEquals(17, wakeup.firstSeq());
        assertEquals(19, wakeup.lastSeq());
        assertEquals(List.of("€", "a:b", ""), wakeup.messages());
    }

    @Test
    void readsACloseWakeup() {
        Wakeup wakeup = Wakeup.read(bytes("c4:k€2:ab5:c[3000,\"Go away!\"]"));
        assertTrue(wakeup.isClose());
        assertEquals(new SessionKey("k€", "ab"), wakeup.session());
        assertEquals(5, wakeup.lastSeq());
        assertEquals("c[3000,\"Go away!\"]", wakeup.closeFrame());
    }

    @Test
    void readsTheWakeupsOfOnePayloadOneAfterTheOther() {
        byte[] payload = bytes("m1:s2:ab4:2:1:x2:yz" + "m1:t1:c1:1:3:€" + "c1:s2:ab5:c[3000,\"Go away!\"]");
        Wakeup first = Wakeup.read(payload);
        assertEquals(new SessionKey("s", "ab"), first.session());
        assertEquals(List.of("x", "yz"), first.messages());
        Wakeup second = Wakeup.read(payload, first.end());
        assertEquals(new SessionKey("t", "c"), second.session());
        assertEquals(1, second.firstSeq());
        assertEquals(List.of("€"), second.messages());
        Wakeup third = Wakeup.read(payload, second.end());
        assertTrue(third.isClose());
        assertEquals(5, third.lastSeq());
        assertEquals("c[3000,\"Go away!\"]", third.closeFrame());
        assertEquals(payload.length, third.end());
        // A message longer than what is left is a truncated payload, not the start of the next.
        assertThrows(IllegalArgumentException.class, () -> Wakeup.read(bytes("m1:s2:ab4:2:1:x9:yz")).end());
    }

    @Test
    void refusesWhatIsNotAWakeup() {
        assertThrows(IllegalArgumentException.class, () -> Wakeup.read(bytes("ping")));
        assertThrows(IllegalArgumentException.class, () -> Wakeup.read(bytes("m1:s2:ab1")).firstSeq());
        assertThrows(IllegalArgumentException.class, () -> Wakeup.read(bytes("mx:ab1:1:1:a")));
        assertThrows(IllegalArgumentException.class, () -> Wakeup.read(bytes("m1:s99:ab1:1:1:a")));
    }
}
