package io.wildcloud.ws.sockjs.router;

import io.wildcloud.ws.sockjs.TransportType;
import java.util.regex.Pattern;

/**
 * Where a request path points in the SockJS URL space of one prefix. Parsing is purely textual;
 * whether the prefix names an endpoint is the resolver's business.
 *
 * @param prefix the first path segment, which names the endpoint
 * @param kind what is asked for
 * @param sessionId the session id of a {@link Kind#SESSION} URL, else {@code null}
 * @param transport the transport of a {@link Kind#SESSION} URL, else {@code null}
 */
public record SockJsPath(String prefix, Kind kind, String sessionId, TransportType transport) {

    /** What a path under a prefix asks for. */
    public enum Kind { GREETING, INFO, IFRAME, RAW_WEBSOCKET, SESSION }

    // sockjs-node's pattern: any version tag between "iframe" and ".html", no slash, lower case only.
    private static final Pattern IFRAME = Pattern.compile("iframe[0-9a-z_.-]*\\.html");

    /** Parses a raw (undecoded, query-less) path; {@code null} means 404. */
    public static SockJsPath parse(String rawPath) {
        if (rawPath.length() < 2 || rawPath.charAt(0) != '/') {
            return null;
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        String prefix = parts[0];
        if (prefix.isEmpty()) {
            return null;
        }
        if (parts.length == 1) {
            return new SockJsPath(prefix, Kind.GREETING, null, null);
        }
        if (parts.length == 2) {
            String segment = parts[1];
            if (segment.isEmpty()) {
                return new SockJsPath(prefix, Kind.GREETING, null, null);
            }
            if (segment.equals("info")) {
                return new SockJsPath(prefix, Kind.INFO, null, null);
            }
            if (segment.equals("websocket")) {
                return new SockJsPath(prefix, Kind.RAW_WEBSOCKET, null, null);
            }
            if (IFRAME.matcher(segment).matches()) {
                return new SockJsPath(prefix, Kind.IFRAME, null, null);
            }
            return null;
        }
        if (parts.length == 4 && validId(parts[1]) && validId(parts[2])) {
            TransportType transport = TransportType.byPath(parts[3]);
            return transport == null ? null : new SockJsPath(prefix, Kind.SESSION, parts[2], transport);
        }
        return null;
    }

    /**
     * The longest server or session id taken, raw as in the path. The protocol sets no bound, but a
     * session id is stored with the session and rewritten with its node's held list at every
     * renewal, so its length is bounded by what clients send: sockjs-client's are 8 characters,
     * other clients' UUIDs 36.
     */
    static final int MAX_ID_LENGTH = 64;

    // The protocol accepts any non-empty server and session id without dots; longer than the bound is 404.
    private static boolean validId(String id) {
        return !id.isEmpty() && id.length() <= MAX_ID_LENGTH && id.indexOf('.') < 0;
    }
}
