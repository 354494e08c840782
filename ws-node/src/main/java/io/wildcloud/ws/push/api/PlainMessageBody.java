package io.wildcloud.ws.push.api;

/**
 * The common single-publish body, {@code {"message":"<text>"}} written compactly with a text that
 * needs no escapes, read without a JSON parser: Gson's reader allocates a 1 KiB buffer and its
 * tree per body, a third of what a publish allocated on one node at 5,000 publishes a second
 * (JFR), and the young collections that follow are a source of latency. Anything else (spaces,
 * escapes, other fields, other values) answers {@code null} and goes to {@link JsonBodies}, which
 * reads it strictly: for a body this accepts, it gives the same text.
 */
final class PlainMessageBody {

    private static final String START = "{\"message\":\"";
    private static final String END = "\"}";

    private PlainMessageBody() {
    }

    /** The message text, or {@code null} if {@code body} is not exactly the plain form. */
    static String text(String body) {
        int end = body.length() - END.length();
        if (end < START.length() || !body.startsWith(START) || !body.startsWith(END, end)) {
            return null;
        }
        for (int i = START.length(); i < end; i++) {
            char c = body.charAt(i);
            // A quote or backslash needs JSON's rules; a control character is not allowed raw in strict JSON.
            if (c == '"' || c == '\\' || c < 0x20) {
                return null;
            }
        }
        return body.substring(START.length(), end);
    }
}
