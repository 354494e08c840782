package io.wildcloud.ws.it.http;

import java.nio.charset.StandardCharsets;

/**
 * A response head, and its body when the reader read one.
 *
 * @param version "1.0" or "1.1", from the status line
 */
public record RawResponse(String version, int status, String reason, RawHeaders headers, byte[] body) {

    public String header(String name) {
        return headers.get(name);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean isChunked() {
        return headers.token("transfer-encoding").equals("chunked");
    }

    RawResponse withBody(byte[] newBody) {
        return new RawResponse(version, status, reason, headers, newBody);
    }

    @Override
    public String toString() {
        return "HTTP/" + version + " " + status + " " + reason + "\r\n" + headers + "\r\n" + bodyText();
    }
}
