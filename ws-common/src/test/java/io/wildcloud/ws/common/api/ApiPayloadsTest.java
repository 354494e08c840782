package io.wildcloud.ws.common.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class ApiPayloadsTest {

    @Test
    void writesTheWireNames() {
        assertEquals("{\"socket_id\":\"abc\"}", ApiJson.toJson(new AuthorizeResponse("abc")));
        assertEquals("{\"sessions\":2,\"queue_full\":1}", ApiJson.toJson(new PublishResponse(2, 1)));
        assertEquals(ApiJson.toJson(new PublishResponse(2, 1)), new PublishResponse(2, 1).toJson());
        assertEquals(ApiJson.toJson(new PublishResponse(0, 64)), new PublishResponse(0, 64).toJson());
        assertEquals("{\"socket_id\":\"abc\",\"sessions_closed\":3}", ApiJson.toJson(new RevokeResponse("abc", 3)));
        assertEquals("{\"error\":\"not_found\",\"message\":\"No such path.\"}",
                new ErrorBody("not_found", "No such path.").toJson());
        assertEquals("{\"callback\":\"http://a/b?c=d\"}", ApiJson.toJson(new AuthorizeRequest("http://a/b?c=d")));
    }

    @Test
    void callbackPayloadRoundTripsWithoutHtmlEscaping() {
        CallbackPayload payload = new CallbackPayload("<b>\"x\"</b>\u2028", "s-1", "client=7");
        String json = payload.toJson();
        assertEquals("{\"message\":\"<b>\\\"x\\\"</b>\\u2028\",\"session\":\"s-1\",\"client\":\"client=7\"}", json);
        assertEquals(payload, CallbackPayload.fromJson(json));
    }

    @Test
    void deliveredTextIsTheStringOrTheJsonText() {
        assertEquals("hello \"you\"", PublishRequest.deliveredText(JsonParser.parseString("\"hello \\\"you\\\"\"")));
        assertEquals("{\"a\":[1,true,\"x\"]}", PublishRequest.deliveredText(JsonParser.parseString("{ \"a\" : [1, true, \"x\"] }")));
        assertEquals("42", PublishRequest.deliveredText(JsonParser.parseString("42")));
        assertEquals("false", PublishRequest.deliveredText(JsonParser.parseString("false")));
        assertThrows(IllegalArgumentException.class, () -> PublishRequest.deliveredText(JsonNull.INSTANCE));
        assertEquals("{\"message\":\"hi\"}", PublishRequest.of("hi").toJson());
    }

    @Test
    void aJsonMessageKeepsItsNullMembers() {
        // A member set to null is not one left out: the browser's JSON.parse tells them apart.
        String withNulls = "{\"a\":null,\"b\":[null,{\"c\":null}]}";
        assertEquals(withNulls, PublishRequest.deliveredText(JsonParser.parseString(withNulls)));
        assertEquals("{\"message\":" + withNulls + "}",
                new PublishRequest(JsonParser.parseString(withNulls)).toJson());
        assertEquals("{\"targets\":[{\"socket_id\":\"s\"}],\"message\":" + withNulls + "}",
                PublishBatchRequest.toAll(java.util.List.of(PublishBatchRequest.Target.socket("s")),
                        JsonParser.parseString(withNulls)).toJson());
    }
}
