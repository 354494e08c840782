package io.wildcloud.ws.node.http;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Whether the path of a request target decodes. Handlers decode paths later and would fail
 * mid-request on {@code /%ZZ}; checked once here, such a request gets a 400. The query is left to
 * the handlers: SockJS answers a bad escape in its {@code c} parameter with its own error.
 */
final class ValidTarget {

    private ValidTarget() {
    }

    static boolean isValid(String uri) {
        if (uri.indexOf('%') < 0) {
            return true; // nothing to decode: the common case costs one scan
        }
        try {
            new QueryStringDecoder(uri).path();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
