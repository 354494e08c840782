package io.wildcloud.ws.it.browser;

import java.util.List;

/**
 * Texts that must cross every transport unchanged in both directions: non-ASCII (including a
 * character outside the BMP), the code point ranges SockJS escapes on the wire because some
 * browsers mangle them (U+200C–U+200F, U+2028–U+202F, U+2060–U+206F, U+FFF0–U+FFFF), JSON and HTML
 * syntax, and a large message.
 */
final class TestMessages {

    static final int LARGE_BYTES = 32 * 1024;

    private TestMessages() {
    }

    static String nonAscii() {
        return "héllo wörld · Ελληνικά · русский · 日本語 · 😀 · ✓";
    }

    static String escapedRanges() {
        StringBuilder text = new StringBuilder("ranges:");
        appendRange(text, 0x200C, 0x200F);
        appendRange(text, 0x2028, 0x202F);
        appendRange(text, 0x2060, 0x206F);
        appendRange(text, 0xFFF0, 0xFFFF);
        return text.append(":end").toString();
    }

    static String syntax() {
        return "quotes \" ' back\\slash \t tab </script><b>&amp; {\"json\": [1, null]} \u0001\u001f";
    }

    /** {@value #LARGE_BYTES} characters, mostly ASCII (so the message stays under the node's limit in every encoding). */
    static String large() {
        StringBuilder text = new StringBuilder(LARGE_BYTES);
        text.append("large é 😀 ");
        int line = 0;
        while (text.length() < LARGE_BYTES - 8) {
            text.append("line ").append(line++).append(" of the large message; ");
        }
        text.setLength(LARGE_BYTES - 8);
        return text.append(" …end ✓").toString();
    }

    static List<String> all() {
        return List.of(nonAscii(), escapedRanges(), syntax(), large());
    }

    /** A short description for assertion messages (large texts would drown them). */
    static String describe(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "…(" + text.length() + " chars)";
    }

    private static void appendRange(StringBuilder text, int from, int to) {
        for (int c = from; c <= to; c++) {
            text.appendCodePoint(c);
        }
    }
}
