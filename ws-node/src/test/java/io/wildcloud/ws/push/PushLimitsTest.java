package io.wildcloud.ws.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The API body limit follows max-message-bytes both ways, as README and docs/push-api.md state. */
class PushLimitsTest {

    @Test
    void theDefaultApiBodyLimitIsSixMessagesAndOneKibibyte() {
        assertEquals(6 * 65536 + 1024, PushLimits.defaults().maxApiBodyBytes());
    }

    @Test
    void aSmallerMessageLimitLowersTheApiBodyLimit() {
        assertEquals(6 * 1024 + 1024, PushLimits.defaults().withMaxMessageBytes(1024).maxApiBodyBytes());
    }

    @Test
    void aLargerMessageLimitRaisesIt() {
        assertEquals(6 * 1024 * 1024 + 1024,
                PushLimits.defaults().withMaxMessageBytes(1024 * 1024).maxApiBodyBytes());
    }

    @Test
    void itNeverGoesBelowRoomForAnAuthorizeWithTheLongestCallback() {
        assertEquals(4096, PushLimits.defaults().withMaxMessageBytes(10).maxApiBodyBytes());
    }
}
