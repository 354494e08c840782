package io.wildcloud.ws.node.http;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The decoded path of a request target, as {@link QueryStringDecoder#path()} gives it, without
 * building a decoder when there is nothing to decode: every request of both ports is asked
 * whether it is a health check or a scrape, and most carry neither {@code %} nor a query.
 */
public final class RequestPaths {

    private RequestPaths() {
    }

    /** The path of {@code uri}: up to its {@code ?} or {@code #}, %-escapes decoded. */
    public static String path(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '%') {
                return new QueryStringDecoder(uri).path();
            }
            if (c == '?' || c == '#') {
                return uri.substring(0, i);
            }
        }
        return uri;
    }
}
