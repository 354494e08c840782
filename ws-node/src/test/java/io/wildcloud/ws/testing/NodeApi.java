package io.wildcloud.ws.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A node's push API over real HTTP, as applications call it: the steps tests share. */
public final class NodeApi {

    private NodeApi() {
    }

    /**
     * Authorizes {@code client} of the application with {@code secret} on the node whose API port is
     * {@code apiPort} (callback to a closed loopback port: nothing here reads callbacks); its socket id.
     */
    public static String authorize(HttpClient http, int apiPort, String secret, String client)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + apiPort + "/authorize/" + secret + "/" + client))
                .POST(HttpRequest.BodyPublishers.ofString("{\"callback\":\"http://127.0.0.1:9/cb\"}"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JsonParser.parseString(response.body()).getAsJsonObject().get("socket_id").getAsString();
    }
}
