package io.wildcloud.ws.common.sockjs;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * JSON as SockJS speaks it: the one place that encodes outgoing strings and decodes incoming
 * message arrays.
 *
 * <p>Outgoing strings escape, besides what JSON requires, every character that some browser or
 * proxy mangles: the C0/C1 controls, U+200C–200F, U+2028–202F, U+2060–206F, U+FFF0–FFFF and
 * surrogate halves ({@code \}{@code uXXXX}, lower-case hex, as sockjs-node does). Everything else
 * stays literal UTF-8 so that frames stay short.
 */
public final class SockJsJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SockJsJson() {
    }

    /** Encodes {@code value} as a quoted JSON string with the SockJS escapes. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        appendQuoted(out, value);
        return out.toString();
    }

    /**
     * Whether {@link #appendQuoted} leaves {@code value} as it is between its quotes, one byte per
     * char: printable ASCII without a quote or backslash (a frame writer may then copy its bytes).
     */
    public static boolean quotesAsIs(String value) {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code value} to {@code out} as a quoted JSON string with the SockJS escapes. */
    public static void appendQuoted(StringBuilder out, String value) {
        out.append('"');
        // Runs that need no escape go in one append each: a char at a time cost a capacity and
        // coder check per char on the delivery path of every message.
        int run = 0;
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x7F || !mustEscape(c))) {
                continue;
            }
            out.append(value, run, i);
            run = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u")
                        .append(HEX[(c >> 12) & 0xF])
                        .append(HEX[(c >> 8) & 0xF])
                        .append(HEX[(c >> 4) & 0xF])
                        .append(HEX[c & 0xF]);
            }
        }
        out.append(value, run, value.length());
        out.append('"');
    }

    /** Whether SockJS requires {@code c} to travel as a {@code \}{@code uXXXX} escape. */
    public static boolean mustEscape(char c) {
        return c < 0x20
                || (c >= 0x7F && c <= 0x9F)
                || (c >= 0x200C && c <= 0x200F)
                || (c >= 0x2028 && c <= 0x202F)
                || (c >= 0x2060 && c <= 0x206F)
                || (c >= 0xFFF0)
                || Character.isSurrogate(c);
    }

    /** Encodes messages as a JSON array of strings, e.g. {@code ["a","b"]}. */
    public static String encodeArray(List<String> messages) {
        StringBuilder out = new StringBuilder(16 * messages.size() + 2);
        appendArray(out, messages);
        return out.toString();
    }

    static void appendArray(StringBuilder out, List<String> messages) {
        out.append('[');
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendQuoted(out, messages.get(i));
        }
        out.append(']');
    }

    /**
     * Decodes what a client sends: a JSON array of messages, or a single JSON string (which
     * sockjs-client 0.x sent over websocket). A string element is taken as it is; any other JSON
     * value is kept as its JSON text, as sockjs-node passes it on.
     *
     * @throws BrokenJsonException if {@code payload} is not such JSON; the caller answers with the
     *     transport's own error ("Broken JSON encoding.")
     */
    public static List<String> decodeMessages(String payload) {
        try {
            return read(payload, Strictness.STRICT);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            if (!hasSurrogateEscape(payload)) {
                throw new BrokenJsonException(e.getMessage());
            }
        }
        // JSON.stringify writes a lone surrogate (a string cut inside an emoji) as its escape, which
        // sockjs-node's JSON.parse takes and Gson's strict mode refuses. Check the payload strictly
        // with those escapes made plain, then read it as it is in the mode that takes them.
        try {
            read(withPlainEscapes(payload), Strictness.STRICT);
            return read(payload, Strictness.LEGACY_STRICT);
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new BrokenJsonException(e.getMessage());
        }
    }

    private static List<String> read(String payload, Strictness strictness) throws IOException {
        try (JsonReader reader = new JsonReader(new StringReader(payload))) {
            reader.setStrictness(strictness);
            List<String> messages = new ArrayList<>();
            JsonToken first = reader.peek();
            if (first == JsonToken.STRING) {
                messages.add(reader.nextString());
            } else if (first == JsonToken.BEGIN_ARRAY) {
                reader.beginArray();
                // One copier for the whole array, made at its first array or object: a writer, its
                // buffer and its stack for each value cost a 64 KiB [0,0,...] 13 MB (32,765 messages).
                ValueCopier copier = null;
                while (reader.hasNext()) {
                    switch (reader.peek()) {
                        case STRING, NUMBER -> messages.add(reader.nextString()); // a number as written
                        case BOOLEAN -> messages.add(reader.nextBoolean() ? "true" : "false");
                        case NULL -> {
                            reader.nextNull();
                            messages.add("null");
                        }
                        default -> {
                            if (copier == null) {
                                copier = new ValueCopier();
                            }
                            messages.add(copier.compactText(reader));
                        }
                    }
                }
                reader.endArray();
            } else {
                throw new BrokenJsonException("expected a JSON array of messages");
            }
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new BrokenJsonException("trailing data after the JSON value");
            }
            return messages;
        }
    }

    /**
     * The value at {@code reader} as its compact JSON text, as its tree's {@code toString()} writes
     * it (numbers as written, a repeated key's last value in its first place), copied token by
     * token: a 64 KiB message of 32,700 zeros was a tree of as many nodes, 10 MB and 10 ms on the
     * event loop, 40 times a string of that size. An object with a repeated key (rare) is read
     * again from the copy as a tree, no dearer than before.
     */
    private static final class ValueCopier {
        private final StringWriter text = new StringWriter();
        private final JsonWriter writer = new JsonWriter(text);
        /** The names of each open object ({@link #ARRAY} for an array), to notice a repeated key. */
        private final ArrayDeque<Object> open = new ArrayDeque<>();

        ValueCopier() {
            // As JsonElement.toString(): it writes what the reader took. Lenient also lets one writer
            // write value after value, with nothing between them (each is cut from the buffer).
            writer.setStrictness(Strictness.LENIENT);
        }

        private String compactText(JsonReader reader) throws IOException {
            text.getBuffer().setLength(0);
            boolean repeatedKey = false;
            do {
                switch (reader.peek()) {
                    case BEGIN_ARRAY -> {
                        reader.beginArray();
                        writer.beginArray();
                        open.push(ARRAY);
                    }
                    case END_ARRAY -> {
                        reader.endArray();
                        writer.endArray();
                        open.pop();
                    }
                    case BEGIN_OBJECT -> {
                        reader.beginObject();
                        writer.beginObject();
                        open.push(NO_NAME);
                    }
                    case END_OBJECT -> {
                        reader.endObject();
                        writer.endObject();
                        open.pop();
                    }
                    case NAME -> {
                        String name = reader.nextName();
                        repeatedKey |= !noteName(name);
                        writer.name(name);
                    }
                    case STRING -> writer.value(reader.nextString());
                    case NUMBER -> writer.jsonValue(reader.nextString()); // as written
                    case BOOLEAN -> writer.value(reader.nextBoolean());
                    case NULL -> {
                        reader.nextNull();
                        writer.nullValue();
                    }
                    default -> throw new BrokenJsonException("a value expected");
                }
            } while (!open.isEmpty());
            writer.flush();
            if (repeatedKey) {
                JsonReader again = new JsonReader(new StringReader(text.toString()));
                again.setStrictness(Strictness.LENIENT);
                return JsonParser.parseReader(again).toString();
            }
            return text.toString();
        }

        /**
         * Notes {@code name} in the innermost open object; false if it was there already. An object
         * notes its first name as itself and makes a set only at its second: a set for each of
         * 21,000 small objects was most of what a 64 KiB [{},{},...] cost.
         */
        @SuppressWarnings("unchecked")
        private boolean noteName(String name) {
            Object names = open.peek();
            if (names == NO_NAME) {
                open.pop();
                open.push(name);
                return true;
            }
            if (names instanceof String first) {
                if (first.equals(name)) {
                    return false;
                }
                Set<String> set = new HashSet<>(4);
                set.add(first);
                open.pop();
                open.push(set);
                return set.add(name);
            }
            return ((Set<String>) names).add(name);
        }
    }

    /** What {@link ValueCopier} notes for an open array. */
    private static final Object ARRAY = new Object();
    /** What {@link ValueCopier} notes for an open object before its first name. */
    private static final Object NO_NAME = new Object();

    private static boolean hasSurrogateEscape(String payload) {
        return nextSurrogateEscape(payload, 0) >= 0;
    }

    /** {@code payload} with each escape of a surrogate (D800 to DFFF) turned into the escape of {@code A} (0041). */
    private static String withPlainEscapes(String payload) {
        char[] chars = payload.toCharArray();
        for (int at = nextSurrogateEscape(payload, 0); at >= 0; at = nextSurrogateEscape(payload, at + 6)) {
            chars[at + 2] = '0';
            chars[at + 3] = '0';
            chars[at + 4] = '4';
            chars[at + 5] = '1';
        }
        return new String(chars);
    }

    /** Where the next escape of a surrogate (backslash, u, D800 to DFFF) starts, from {@code from}; -1 if none. */
    private static int nextSurrogateEscape(String payload, int from) {
        for (int i = from, n = payload.length(); i + 5 < n; i++) {
            if (payload.charAt(i) != '\\') {
                continue;
            }
            if (payload.charAt(i + 1) == 'u' && Character.digit(payload.charAt(i + 2), 16) == 0xD
                    && Character.digit(payload.charAt(i + 3), 16) >= 8
                    && Character.digit(payload.charAt(i + 4), 16) >= 0
                    && Character.digit(payload.charAt(i + 5), 16) >= 0) {
                return i;
            }
            i++; // the escaped character, which may be a backslash
        }
        return -1;
    }

    /** A payload that is not the JSON SockJS expects. */
    public static final class BrokenJsonException extends RuntimeException {
        public BrokenJsonException(String detail) {
            super("Broken JSON encoding: " + detail, null, false, false);
        }
    }
}
