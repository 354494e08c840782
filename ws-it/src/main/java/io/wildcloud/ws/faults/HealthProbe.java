package io.wildcloud.ws.faults;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/** One {@code GET} of a health path with short timeouts: the status, or 0 when nothing answered. */
final class HealthProbe {

    private final URI url;

    HealthProbe(URI url) {
        this.url = url;
    }

    int status() {
        try {
            HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(1_000);
            try {
                int status = connection.getResponseCode();
                var body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
                if (body != null) {
                    body.readAllBytes();
                }
                return status;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return 0;
        }
    }
}
