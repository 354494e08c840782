package io.wildcloud.ws.it.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Header lines exactly as they came off the wire: order kept, duplicates kept, names matched
 * case-insensitively. {@link #get} insists on at most one occurrence, because a duplicated
 * response header is itself a bug the tests want to see (clients keep only one of them).
 */
public final class RawHeaders {

    private final List<String[]> lines = new ArrayList<>();

    void add(String name, String value) {
        lines.add(new String[] {name, value});
    }

    /** Every value of {@code name}, in wire order. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        for (String[] line : lines) {
            if (line[0].equalsIgnoreCase(name)) {
                values.add(line[1]);
            }
        }
        return values;
    }

    /** The only value of {@code name}, or null when absent; fails when the header is duplicated. */
    public String get(String name) {
        List<String> values = all(name);
        if (values.size() > 1) {
            throw new AssertionError("header " + name + " sent " + values.size() + " times: " + values);
        }
        return values.isEmpty() ? null : values.get(0);
    }

    public boolean has(String name) {
        return !all(name).isEmpty();
    }

    /** The value lower-cased, or "" when absent: for tokens such as Connection and Transfer-Encoding. */
    public String token(String name) {
        String value = get(name);
        return value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            out.append(line[0]).append(": ").append(line[1]).append("\r\n");
        }
        return out.toString();
    }
}
