package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BiDi values cross to Java as Selenium's do, so page code reads the same in both browsers. */
class BidiValuesTest {

    @Test
    void argumentsBecomeLocalValues() {
        assertEquals("{\"type\":\"string\",\"value\":\"ü \\u2028\"}", BidiValues.local("ü \u2028").toString());
        assertEquals("{\"type\":\"number\",\"value\":3}", BidiValues.local(3).toString());
        assertEquals("{\"type\":\"number\",\"value\":2.5}", BidiValues.local(2.5).toString());
        assertEquals("{\"type\":\"number\",\"value\":\"NaN\"}", BidiValues.local(Double.NaN).toString());
        assertEquals("{\"type\":\"number\",\"value\":\"-0\"}", BidiValues.local(-0.0).toString());
        assertEquals("{\"type\":\"boolean\",\"value\":true}", BidiValues.local(true).toString());
        assertEquals("{\"type\":\"null\"}", BidiValues.local(null).toString());
        assertThrows(IllegalArgumentException.class, () -> BidiValues.local(List.of()));
    }

    @Test
    void integralNumbersAreLongsLikeSeleniums() {
        assertEquals(4001L, BidiValues.java(remote("{\"type\":\"number\",\"value\":4001}")));
        assertEquals(1000L, BidiValues.java(remote("{\"type\":\"number\",\"value\":1000.0}")));
        assertEquals(0.5d, BidiValues.java(remote("{\"type\":\"number\",\"value\":0.5}")));
        assertEquals(Double.NaN, BidiValues.java(remote("{\"type\":\"number\",\"value\":\"NaN\"}")));
        assertEquals(Double.NEGATIVE_INFINITY, BidiValues.java(remote("{\"type\":\"number\",\"value\":\"-Infinity\"}")));
        assertEquals(new BigInteger("12345678901234567890"), BidiValues.java(remote("{\"type\":\"bigint\",\"value\":\"12345678901234567890\"}")));
    }

    @Test
    void arraysAndObjectsNest() {
        Object value = BidiValues.java(remote("""
                {"type":"array","value":[
                  {"type":"string","value":"c2VuZA=="},
                  {"type":"undefined"},
                  {"type":"object","value":[["code",{"type":"number","value":1000}],["ok",{"type":"boolean","value":false}]]},
                  {"type":"map","value":[[{"type":"number","value":1},{"type":"null"}]]}
                ]}"""));
        Map<Object, Object> oneToNull = new HashMap<>();
        oneToNull.put(1L, null);
        assertEquals(Arrays.asList("c2VuZA==", null, Map.of("code", 1000L, "ok", false), oneToNull), value);
    }

    @Test
    void nothingIsNull() {
        assertNull(BidiValues.java(remote("{\"type\":\"undefined\"}")));
        assertNull(BidiValues.java(remote("{\"type\":\"null\"}")));
    }

    @Test
    void valuesWithoutAJavaFormAreRefusedByName() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> BidiValues.java(remote("{\"type\":\"function\",\"handle\":\"x\"}")));
        assertEquals(true, refused.getMessage().contains("returned a function"), refused.getMessage());
    }

    private static JsonObject remote(String json) {
        return JsonParser.parseString(json).getAsJsonObject();
    }
}
