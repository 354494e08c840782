package io.wildcloud.ws.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestPathsTest {

    @Test
    void givesTheDecodersPath() {
        for (String uri : List.of("", "/", "/health", "/health/live?x=1", "/health#f", "/%68ealth", "/health%2Flive",
                "/a+b", "/metrics?%41", "?", "#?", "/publish/s1/x", "/h%C3%A9", "/p?q#r")) {
            assertEquals(new QueryStringDecoder(uri).path(), RequestPaths.path(uri), uri);
        }
    }
}
