package io.wildcloud.ws.push.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiRoutesSegmentsTest {

    /** The URIs the routes see, well formed or not; the expected split is the decoder's. */
    private static final List<String> URIS = List.of("", "/", "//", "publish", "/publish", "/publish/", "/publish/s1",
            "/publish/s1/", "/publish/s1/x", "/publish//x", "/publish/s1/x/y", "/publish/s1?a=b/c", "/publish/s1#f/g",
            "/publish?x", "?/a", "#", "/publish/%2F/x", "/authorize/a+b/c%20d", "/a/b/c/d/e/f/g", "/publish/s1/x?");

    @Test
    void splitsAsTheRawPathSplitAtEverySlash() {
        for (String uri : URIS) {
            String path = new QueryStringDecoder(uri).rawPath();
            List<String> expected = List.of(path.substring(path.startsWith("/") ? 1 : 0).split("/", -1));
            assertEquals(expected, ApiRoutes.segments(uri), uri);
        }
    }
}
