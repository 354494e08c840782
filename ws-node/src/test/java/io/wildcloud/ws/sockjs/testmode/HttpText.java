package io.wildcloud.ws.sockjs.testmode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A response read back from raw bytes: status line, headers (lower-cased names) and body text. */
public record HttpText(String statusLine, Map<String, String> headers, String body) {

    public static HttpText parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no complete response head in: " + raw);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        return new HttpText(lines[0], headers, raw.substring(end + 4));
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public int status() {
        return Integer.parseInt(statusLine.split(" ")[1]);
    }
}
