package io.wildcloud.ws.node.http;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Whether a request target's percent-escapes decode. Handlers decode paths and query parameters
 * later and would fail mid-request on {@code /%ZZ}; checked once here, such a request gets a 400.
 */
final class ValidTarget {

    private ValidTarget() {
    }

    static boolean isValid(String uri) {
        if (uri.indexOf('%') < 0) {
            return true; // nothing to decode: the common case costs one scan
        }
        try {
            QueryStringDecoder decoder = new QueryStringDecoder(uri);
            decoder.path();
            decoder.parameters();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
