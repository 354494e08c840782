package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.wildcloud.ws.it.http.RawResponse;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** {@code /info}: what the client learns before it picks a transport. */
public abstract class InfoChecks extends ProtocolChecks {

    @Test
    void infoDescribesTheServiceAndIsNeverCached() {
        RawResponse response = http().get(target().echo() + "/info", "Origin", "test");
        assertStatus(200, response);
        assertContentType("application/json;charset=UTF-8", response);
        assertNoCookie(response);
        assertNotCached(response);
        assertCors("test", response);

        JsonObject info = JsonParser.parseString(response.bodyText()).getAsJsonObject();
        assertEquals(new JsonPrimitive(true), info.get("websocket"));
        // The echo service runs without JSESSIONID; cookie_needed is a boolean in any case.
        assertEquals(new JsonPrimitive(false), info.get("cookie_needed"));
        JsonArray origins = new JsonArray();
        origins.add("*:*");
        assertEquals(origins, info.get("origins"));
        entropyOf(info);
    }

    @Test
    void entropyIsAFreshUnsignedIntegerOnEveryCall() {
        long first = entropyOf(JsonParser.parseString(http().get(target().echo() + "/info").bodyText()).getAsJsonObject());
        long second = entropyOf(JsonParser.parseString(http().get(target().echo() + "/info").bodyText()).getAsJsonObject());
        assertNotEquals(first, second);
    }

    @Test
    void infoAnswersCorsPreflight() {
        assertPreflight(target().echo() + "/info", "OPTIONS, GET");
    }

    @Test
    void nullOriginIsEchoedAsNull() {
        RawResponse response = http().options(target().echo() + "/info",
                "Origin", "null", "Access-Control-Request-Method", "POST");
        assertTrue(response.status() == 200 || response.status() == 204, () -> "preflight:\n" + response);
        assertEquals(0, response.body().length);
        assertEquals("null", response.header("access-control-allow-origin"));
    }

    @Test
    void serviceWithWebsocketOffSaysSo() {
        RawResponse response = http().get(target().websocketOff() + "/info");
        assertStatus(200, response);
        JsonObject info = JsonParser.parseString(response.bodyText()).getAsJsonObject();
        assertEquals(new JsonPrimitive(false), info.get("websocket"));
    }

    /** The entropy field: an integer (no fraction, no exponent) in [0, 2^32). */
    private static long entropyOf(JsonObject info) {
        JsonPrimitive entropy = info.getAsJsonPrimitive("entropy");
        assertTrue(entropy != null && entropy.isNumber(), () -> "entropy must be a number: " + info);
        String text = entropy.getAsString();
        assertFalse(text.contains(".") || text.contains("e") || text.contains("E"), "entropy must be an integer: " + text);
        long value = new BigDecimal(text).longValueExact();
        assertTrue(value >= 0 && value <= 0xFFFF_FFFFL, "entropy out of range: " + value);
        return value;
    }
}
