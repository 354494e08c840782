package io.wildcloud.ws.sockjs;

import io.netty.handler.codec.http.HttpMethod;
import java.util.HashMap;
import java.util.Map;

/**
 * The wire facts of each SockJS session transport ({@code /<server>/<session>/<path>}): which
 * method it takes, whether it receives (a connection the server writes frames to) or sends (a
 * client message), whether it streams, and which HTTP headers its responses carry. The router
 * dispatches on this table instead of on path strings.
 */
public enum TransportType {

    WEBSOCKET("websocket", HttpMethod.GET, Role.WEBSOCKET, false, false, null),
    XHR("xhr", HttpMethod.POST, Role.POLLING, true, true, "application/javascript;charset=UTF-8"),
    XHR_SEND("xhr_send", HttpMethod.POST, Role.SENDING, true, true, "text/plain;charset=UTF-8"),
    XHR_STREAMING("xhr_streaming", HttpMethod.POST, Role.STREAMING, true, true, "application/javascript;charset=UTF-8"),
    EVENTSOURCE("eventsource", HttpMethod.GET, Role.STREAMING, false, true, "text/event-stream"),
    HTMLFILE("htmlfile", HttpMethod.GET, Role.STREAMING, false, true, "text/html;charset=UTF-8"),
    JSONP("jsonp", HttpMethod.GET, Role.POLLING, false, true, "application/javascript;charset=UTF-8"),
    JSONP_SEND("jsonp_send", HttpMethod.POST, Role.SENDING, false, true, "text/plain;charset=UTF-8");

    /** What a transport's request does. */
    public enum Role {
        /** One response per request carrying what is pending, or held until something is. */
        POLLING,
        /** One long response carrying frames as they come, until the response limit. */
        STREAMING,
        /** A client message for the session; answered once the service took it. */
        SENDING,
        /** An upgrade to a SockJS-framed websocket. */
        WEBSOCKET
    }

    private static final Map<String, TransportType> BY_PATH = new HashMap<>();

    static {
        for (TransportType type : values()) {
            BY_PATH.put(type.path, type);
        }
    }

    private final String path;
    private final HttpMethod method;
    private final Role role;
    private final boolean cors;
    private final boolean cookie;
    private final String contentType;
    private final String allowHeader;

    TransportType(String path, HttpMethod method, Role role, boolean cors, boolean cookie, String contentType) {
        this.path = path;
        this.method = method;
        this.role = role;
        this.cors = cors;
        this.cookie = cookie;
        this.contentType = contentType;
        this.allowHeader = cors ? "OPTIONS, " + method.name() : method.name();
    }

    /** The transport for the last segment of a session URL, or {@code null} if there is none. */
    public static TransportType byPath(String path) {
        return BY_PATH.get(path);
    }

    public String path() {
        return path;
    }

    /** The one method that the transport serves (besides {@code OPTIONS} when {@link #cors}). */
    public HttpMethod method() {
        return method;
    }

    public Role role() {
        return role;
    }

    /** Whether responses carry CORS headers and {@code OPTIONS} gets a preflight answer. */
    public boolean cors() {
        return cors;
    }

    /** Whether responses set {@code JSESSIONID} when the endpoint asks for cookies. */
    public boolean cookie() {
        return cookie;
    }

    /** The content type of the transport's responses, {@code null} for websocket. */
    public String contentType() {
        return contentType;
    }

    /** The methods an {@code Allow} header lists for this transport. */
    public String allowHeader() {
        return allowHeader;
    }
}
