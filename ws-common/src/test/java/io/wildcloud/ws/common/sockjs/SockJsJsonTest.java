package io.wildcloud.ws.common.sockjs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SockJsJsonTest {

    /** Each range SockJS requires escaped, first and last character, as the protocol suite sends them. */
    @ParameterizedTest
    @CsvSource({
        "0000, 001f", "007f, 009f", "200c, 200f", "2028, 202f", "2060, 206f", "fff0, ffff", "d800, dfff"})
    void escapesEveryCharacterOfTheRequiredRanges(String first, String last) {
        for (int c = Integer.parseInt(first, 16); c <= Integer.parseInt(last, 16); c++) {
            String quoted = SockJsJson.quote(String.valueOf((char) c));
            boolean shortEscape = quoted.length() == 4 && quoted.charAt(1) == '\\';
            assertTrue(shortEscape || quoted.equals(String.format("\"\\u%04x\"", c)),
                    () -> "not escaped: " + quoted);
        }
    }

    @ParameterizedTest
    @CsvSource({"0020, 007e", "00a0, 200b", "2010, 2027", "2030, 205f", "2070, d7ff", "e000, ffef"})
    void keepsOtherCharactersLiteral(String first, String last) {
        for (int c = Integer.parseInt(first, 16); c <= Integer.parseInt(last, 16); c++) {
            if (c == '"' || c == '\\') {
                continue;
            }
            String literal = String.valueOf((char) c);
            assertEquals("\"" + literal + "\"", SockJsJson.quote(literal));
        }
    }

    @Test
    void escapesJsonSpecials() {
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\"", SockJsJson.quote("a\"b\\c\nd\re\tf"));
    }

    @Test
    void keepsTheRunsBetweenEscapesWholeAndInOrder() {
        assertEquals("\"\\u0001ab\\\"c\\u2028d\u00e9\u20ac\\n\"", SockJsJson.quote("\u0001ab\"c\u2028d\u00e9\u20ac\n"));
        assertEquals("\"plain text, no escape\"", SockJsJson.quote("plain text, no escape"));
        assertEquals("\"\"", SockJsJson.quote(""));
    }

    @Test
    void usesLowerCaseHexAsTheSuiteCompares() {
        assertEquals("\"\\u200c\\u202f\"", SockJsJson.quote("\u200c\u202f"));
        assertEquals("\"\\uffff\"", SockJsJson.quote("\uffff"));
    }

    @Test
    void encodesMessageFrames() {
        assertEquals("a[\"a\",\"b\"]", SockJsFrame.messages(List.of("a", "b")).text());
        assertEquals("c[3000,\"Go away!\"]", SockJsFrame.close(3000, "Go away!").text());
        assertEquals("o", SockJsFrame.open().text());
        assertEquals("h", SockJsFrame.heartbeat().text());
    }

    @Test
    void aValueOtherThanAStringIsItsTreesCompactText() {
        for (String value : List.of("1.50", "-0.0e5", "1e999", "true", "null", "[]", "{}", "[[],{},[{}]]",
                "{ \"a\" : [ 1 , null , \"\\u2028<>&=\\\"\\\\\\u0001\" ] , \"b\" : { \"c\" : false } }",
                "{\"a\":1,\"b\":2,\"a\":3}", "[{\"x\":{\"k\":1,\"k\":null}},{\"k\":1},{\"k\":2}]",
                "{\"k\":{\"a\":1},\"j\":0,\"k\":[2]}", "[\"\\ud83d\\ude00\",\"caf\u00e9\"]")) {
            String tree = com.google.gson.JsonParser.parseString(value).toString();
            assertEquals(List.of(tree), SockJsJson.decodeMessages("[" + value + "]"), value);
        }
        assertEquals(List.of("{\"a\":3,\"b\":2}"), SockJsJson.decodeMessages("[{\"a\":1,\"b\":2,\"a\":3}]"),
                "a repeated key's last value, in its first place");
    }

    /**
     * The token copy against the tree it replaced, over generated messages: escapes, numbers as
     * written, nesting, empty containers, whitespace, repeated keys, lone surrogates.
     */
    @Test
    void theTokenCopyGivesWhatTheTreeGave() throws IOException {
        java.util.Random random = new java.util.Random(20261207);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder payload = new StringBuilder("[");
            for (int n = random.nextInt(4); n >= 0; n--) {
                space(payload, random);
                value(payload, random, 1 + random.nextInt(6));
                space(payload, random);
                payload.append(n > 0 ? "," : "");
            }
            String sent = payload.append(']').toString();
            List<String> tree;
            try {
                tree = throughTree(sent, Strictness.STRICT);
            } catch (IOException | RuntimeException e) { // a lone surrogate: taken as before the copy
                tree = throughTree(sent, Strictness.LEGACY_STRICT);
            }
            assertEquals(tree, SockJsJson.decodeMessages(sent), sent);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {250, 253, 254, 255, 256, 300})
    void deepNestingIsTakenOrRefusedAsByTheTree(int depth) {
        for (String[] pair : List.of(new String[] {"[", "]"}, new String[] {"{\"k\":", "}"},
                new String[] {"{\"k\":[{\"k\":1,\"k\":", "}]}"})) {
            String sent = "[" + pair[0].repeat(depth) + "0" + pair[1].repeat(depth) + "]";
            String tree;
            try {
                tree = throughTree(sent, Strictness.STRICT).toString();
            } catch (IOException | RuntimeException e) {
                tree = "refused";
            }
            String copy;
            try {
                copy = SockJsJson.decodeMessages(sent).toString();
            } catch (SockJsJson.BrokenJsonException e) {
                copy = "refused";
            }
            assertEquals(tree, copy, pair[0] + " x " + depth);
        }
    }

    /** How main read a payload before the token copy: each value other than a string through Gson's tree. */
    private static List<String> throughTree(String payload, Strictness strictness) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(payload));
        reader.setStrictness(strictness);
        List<String> messages = new ArrayList<>();
        reader.beginArray();
        while (reader.hasNext()) {
            messages.add(reader.peek() == JsonToken.STRING ? reader.nextString()
                    : JsonParser.parseReader(reader).toString());
        }
        reader.endArray();
        if (reader.peek() != JsonToken.END_DOCUMENT) {
            throw new IOException("trailing data");
        }
        return messages;
    }

    private static final String[] STRING_PARTS = {"a", "\\u2028", "\u2028", "\\u0000", "\\/", "/", "\\\"",
        "\\\\", "\\ud83d\\ude00", "\ud83d\ude00", "\\ud800", "\\uDFFF", "\\uD83D", "caf\u00e9", "<>&='",
        "\\n\\t\\b\\f\\r", "\\u001f\\u007F", "\\u00e9", " "};
    private static final String[] NUMBERS = {"0", "-0", "-0.0", "1e5", "1E+05", "1e-5", "0.10", "1.50", "-0.0e5",
        "1e999", "-1e-999", "1E400", "123456789012345678901234567890", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "2.5e+0010", "42"};
    private static final String[] KEYS = {"k", "a", "\\u006b", "", "\\ud800", "k2"};

    private static void value(StringBuilder out, java.util.Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 8 : 5);
        switch (kind) {
            case 0 -> out.append(NUMBERS[random.nextInt(NUMBERS.length)]);
            case 1 -> out.append(random.nextBoolean() ? "true" : "false");
            case 2 -> out.append("null");
            case 3, 4 -> {
                out.append('"');
                for (int n = random.nextInt(4); n > 0; n--) {
                    out.append(STRING_PARTS[random.nextInt(STRING_PARTS.length)]);
                }
                out.append('"');
            }
            case 5, 6 -> {
                boolean object = kind == 6;
                out.append(object ? '{' : '[');
                for (int n = random.nextInt(5); n > 0; n--) {
                    space(out, random);
                    if (object) {
                        out.append('"').append(KEYS[random.nextInt(KEYS.length)]).append('"');
                        space(out, random);
                        out.append(':');
                        space(out, random);
                    }
                    value(out, random, depth - 1);
                    space(out, random);
                    out.append(n > 1 ? "," : "");
                }
                space(out, random);
                out.append(object ? '}' : ']');
            }
            default -> value(out, random, depth - 1);
        }
    }

    private static void space(StringBuilder out, java.util.Random random) {
        out.append(" \n\t\r  ".substring(0, random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 0));
    }

    @Test
    void aLargeValueIsCopiedWithoutItsTree() {
        String zeros = "[[" + "0,".repeat(32_700) + "0]]"; // a message at the default bound, 64 KiB
        for (int i = 0; i < 20; i++) { // warm
            SockJsJson.decodeMessages(zeros);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        List<String> messages = SockJsJson.decodeMessages(zeros);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(zeros.length() - 2, messages.get(0).length());
        System.out.printf("a 64 KiB message of 32,701 zeros decoded with %,d bytes allocated%n", allocated);
        // Its tree took ~160 bytes of heap per byte of message (10.5 MB).
        assertTrue(allocated < 2_000_000, "decoded with " + allocated + " bytes");
    }

    /**
     * A message array of many small values, each a message of its own: a 64 KiB {@code [0,0,...]}
     * (32,765 messages) allocated 16.5 MB and {@code [[],[],...]} 10 MB, a writer, its buffer and
     * its stack for each value (review3); what is left is the messages themselves, ~50 bytes each.
     */
    @ParameterizedTest
    @ValueSource(strings = {"0", "[]", "{}", "true", "null", "{\"a\":1}"})
    void manySmallMessagesAreCopiedWithoutAWriterEach(String value) {
        String payload = "[" + (value + ",").repeat(64 * 1024 / (value.length() + 1) - 1) + value + "]";
        for (int i = 0; i < 20; i++) { // warm
            SockJsJson.decodeMessages(payload);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        List<String> messages = SockJsJson.decodeMessages(payload);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(value, messages.get(messages.size() - 1));
        System.out.printf("%,d messages %s in %,d bytes decoded with %,d bytes allocated%n", messages.size(), value,
                payload.length(), allocated);
        assertTrue(allocated < 40L * payload.length(), "decoded with " + allocated + " bytes");
    }

    @Test
    void decodesArraysStringsAndEveryEscape() {
        assertEquals(List.of("a", "b"), SockJsJson.decodeMessages("[\"a\",\"b\"]"));
        assertEquals(List.of(), SockJsJson.decodeMessages("[]"));
        assertEquals(List.of("x"), SockJsJson.decodeMessages("\"x\""));
        assertEquals(List.of("\u2028\uffff\u0000"), SockJsJson.decodeMessages("[\"\\u2028\\uFFFF\\u0000\"]"));
        assertEquals(List.of("1", "{\"k\":true}"), SockJsJson.decodeMessages("[1,{\"k\":true}]"));
    }

    @Test
    void takesTheLoneSurrogatesJsonStringifyEscapes() {
        // "\ud83d\ude00".slice(0, 1) in a browser: JSON.stringify sends it as its escape, and
        // sockjs-node's JSON.parse takes it. The other messages of the send must not be lost to it.
        assertEquals(List.of("ok", "cut \ud83d", "\ude00\ud83d", "\ud83d\ude00", "{\"k\":\"\udfff\"}", "\\ud800"),
                SockJsJson.decodeMessages("[\"ok\",\"cut \\ud83d\",\"\\uDE00\\ud83d\",\"\\ud83d\\ude00\","
                        + "{\"k\":\"\\udfff\"},\"\\\\ud800\"]"));
        assertEquals(List.of("\ud800"), SockJsJson.decodeMessages("\"\\ud800\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[\"\\ud800\",\"\\'\"]", "[\"\\ud800\",True]", "[\"\\ud800\",\"a\nb\"]",
            "[\"\\ud800\"] x", "[\"\\ud800\",\"\\x\"]", "[\"\\ud800\"", "[\\ud800]", "[\"\\ud800\",NULL]"})
    void aLoneSurrogateMakesNothingElseAcceptable(String payload) {
        assertThrows(SockJsJson.BrokenJsonException.class, () -> SockJsJson.decodeMessages(payload));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[\"x\"", "[\"x\"]]", "{}", "x", "''", "[\"a\",]", "1"})
    void rejectsBrokenJson(String payload) {
        assertThrows(SockJsJson.BrokenJsonException.class, () -> SockJsJson.decodeMessages(payload));
    }

    @Test
    void rejectsEmptyPayload() {
        assertThrows(SockJsJson.BrokenJsonException.class, () -> SockJsJson.decodeMessages(""));
    }

    @Test
    void roundTripsThroughFrames() {
        String tricky = "żółć \u2028 \ud83d\ude00 \u0001 \"q\"";
        SockJsFrame frame = SockJsFrame.message(tricky);
        assertFalse(frame.text().contains("\u2028"));
        assertEquals(List.of(tricky), SockJsFrame.parse(frame.text()).messages());
        SockJsFrame close = SockJsFrame.parse("c[2010,\"Another connection still open\"]");
        assertEquals(2010, close.closeCode());
        assertEquals("Another connection still open", close.closeReason());
    }
}
