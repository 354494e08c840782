package io.wildcloud.ws.sockjs.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogTagTest {

    @Test
    void aTagIsTheFirstEightHexDigitsOfTheSha256() {
        // printf %s abc | sha256sum -> ba7816bf8f01cfea...
        assertEquals("#ba7816bf", LogTag.of("abc"));
        assertEquals("#null", LogTag.of(null));
    }

    @Test
    void sessionKeysShowTheirScopeOnlyAsATag() {
        String socketId = "Q2h1bmt5LXJhbmRvbS0xOTItYml0LWlk";
        assertEquals(LogTag.of(socketId) + "/s1", new SessionKey(socketId, "s1").toString());
    }
}
