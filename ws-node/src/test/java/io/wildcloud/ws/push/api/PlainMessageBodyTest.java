package io.wildcloud.ws.push.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainMessageBodyTest {

    @Test
    void thePlainFormGivesTheTextGsonReads() {
        for (String body : List.of("{\"message\":\"\"}", "{\"message\":\"1:2:xxxx\"}", "{\"message\":\"h\u00e9 \u2603 \uD83D\uDE00\"}",
                "{\"message\":\"{not json inside}\"}", "{\"message\":\"\u007f/'\"}")) {
            assertEquals(JsonParser.parseString(body).getAsJsonObject().get("message").getAsString(),
                    PlainMessageBody.text(body), body);
        }
    }

    @Test
    void anythingElseIsLeftToTheParser() {
        for (String body : List.of("", "{", "{\"message\":\"", "{\"message\":\"\"", "{\"message\":\"a\\\"b\"}",
                "{\"message\":\"a\\u0041\"}", "{\"message\":\"a\"b\"}", "{\"message\":\"a\",\"x\":\"b\"}",
                "{\"message\":\"tab\there\"}", "{\"message\":\"a\"} ", " {\"message\":\"a\"}",
                "{\"message\": \"a\"}", "{\"message\":42}", "{\"text\":\"a\"}")) {
            assertNull(PlainMessageBody.text(body), body);
        }
    }
}
