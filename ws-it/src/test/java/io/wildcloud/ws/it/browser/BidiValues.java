package io.wildcloud.ws.it.browser;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java values to WebDriver BiDi's {@code script.LocalValue} and back from {@code script.RemoteValue},
 * giving the same Java types Selenium's Execute Script gives (integral numbers as {@code Long}), so
 * that page code reads the same whichever browser runs it.
 */
final class BidiValues {

    private BidiValues() {
    }

    /** A string, number, boolean or null as a LocalValue. */
    static JsonObject local(Object value) {
        JsonObject local = new JsonObject();
        if (value == null) {
            local.addProperty("type", "null");
        } else if (value instanceof String text) {
            local.addProperty("type", "string");
            local.addProperty("value", text);
        } else if (value instanceof Boolean bool) {
            local.addProperty("type", "boolean");
            local.addProperty("value", bool);
        } else if (value instanceof Double d && (d.isNaN() || d.isInfinite() || isNegativeZero(d))) {
            local.addProperty("type", "number");
            local.addProperty("value", d.isNaN() ? "NaN" : isNegativeZero(d) ? "-0" : d > 0 ? "Infinity" : "-Infinity");
        } else if (value instanceof Number number) {
            local.addProperty("type", "number");
            local.addProperty("value", number);
        } else {
            throw new IllegalArgumentException("cannot pass a " + value.getClass().getName() + " to a page script");
        }
        return local;
    }

    /** A RemoteValue as String, Long, Double, Boolean, BigInteger, List, Map or null. */
    static Object java(JsonObject remote) {
        String type = remote.get("type").getAsString();
        JsonElement value = remote.get("value");
        return switch (type) {
            case "undefined", "null" -> null;
            case "string", "date" -> value.getAsString();
            case "boolean" -> value.getAsBoolean();
            case "number" -> number(value.getAsJsonPrimitive());
            case "bigint" -> new BigInteger(value.getAsString());
            case "array", "set" -> list(serialized(type, value).getAsJsonArray());
            case "object", "map" -> map(serialized(type, value).getAsJsonArray());
            default -> throw new IllegalArgumentException("a page script returned a " + type
                    + ", which does not cross to Java: " + remote);
        };
    }

    private static Object number(JsonPrimitive value) {
        if (value.isString()) {
            return switch (value.getAsString()) {
                case "NaN" -> Double.NaN;
                case "-0" -> -0.0d;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: " + value);
            };
        }
        BigDecimal decimal = value.getAsBigDecimal();
        try {
            return decimal.longValueExact();
        } catch (ArithmeticException notIntegral) {
            return decimal.doubleValue();
        }
    }

    private static JsonElement serialized(String type, JsonElement value) {
        if (value == null) {
            // Only when serialization stopped at maxObjectDepth, which we never set.
            throw new IllegalArgumentException("a page script returned a " + type + " too deep to serialize");
        }
        return value;
    }

    private static List<Object> list(JsonArray items) {
        List<Object> list = new ArrayList<>(items.size());
        for (JsonElement item : items) {
            list.add(java(item.getAsJsonObject()));
        }
        return list;
    }

    /** Entries are {@code [key, value]}; a key is a plain string or, in a Map, any RemoteValue. */
    private static Map<Object, Object> map(JsonArray entries) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (JsonElement entry : entries) {
            JsonArray pair = entry.getAsJsonArray();
            JsonElement key = pair.get(0);
            map.put(key.isJsonPrimitive() ? key.getAsString() : java(key.getAsJsonObject()), java(pair.get(1).getAsJsonObject()));
        }
        return map;
    }

    private static boolean isNegativeZero(double d) {
        return d == 0.0d && Double.doubleToRawLongBits(d) != 0L;
    }
}
