package io.wildcloud.ws.sockjs.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.wildcloud.ws.common.sockjs.SockJsJson;
import io.wildcloud.ws.sockjs.AllowedOrigins;
import io.wildcloud.ws.sockjs.SockJsOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** The pages under a prefix that need no session: the greeting, {@code /info} and the iframe page. */
public final class StaticPages {

    public static final String GREETING = "Welcome to SockJS!\n";

    private static final String IFRAME_TEMPLATE = """
            <!DOCTYPE html>
            <html>
            <head>
              <meta http-equiv="X-UA-Compatible" content="IE=edge" />
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
              <script src="%s"></script>
              <script>
                document.domain = document.domain;
                SockJS.bootstrap_iframe();
              </script>
            </head>
            <body>
              <h2>Don't panic!</h2>
              <p>This is a SockJS hidden iframe. It's used for cross domain magic.</p>
            </body>
            </html>""";

    /** One page and its ETag per client script URL; endpoints rarely differ in it. */
    private static final Map<String, IframePage> IFRAMES = new ConcurrentHashMap<>();

    private StaticPages() {
    }

    public static void greeting(ChannelHandlerContext ctx, SockJsRequest request) {
        SockJsResponses.send(ctx, request,
                SockJsResponses.full(ctx, request, HttpResponseStatus.OK, SockJsResponses.TEXT_PLAIN, GREETING));
    }

    /**
     * {@code /info}: what the client needs before it picks a transport. Its round trip is also the
     * client's latency measurement, so it is answered without any store trip.
     */
    public static void info(ChannelHandlerContext ctx, SockJsRequest request, SockJsOptions options) {
        info(ctx, request, options, AllowedOrigins.any());
    }

    /**
     * {@code /info} with the origins the node serves: {@code ["*:*"]} for any (sockjs-node's form),
     * else the configured origins.
     */
    public static void info(ChannelHandlerContext ctx, SockJsRequest request, SockJsOptions options,
            AllowedOrigins origins) {
        // An unsigned 32-bit number: browsers lack a good entropy source and sockjs-client mixes it in.
        long entropy = ThreadLocalRandom.current().nextLong(1L << 32);
        String body = "{\"websocket\":" + options.websocketEnabled()
                + ",\"cookie_needed\":" + options.cookieNeeded()
                + ",\"origins\":" + originsJson(origins) + ",\"entropy\":" + entropy + "}";
        FullHttpResponse response = SockJsResponses.full(ctx, request, HttpResponseStatus.OK,
                "application/json;charset=UTF-8", body);
        SockJsResponses.noCache(response.headers());
        SockJsResponses.cors(request, response.headers());
        SockJsResponses.send(ctx, request, response);
    }

    private static String originsJson(AllowedOrigins origins) {
        if (origins.isAny()) {
            return "[\"*:*\"]";
        }
        StringBuilder json = new StringBuilder("[");
        for (String pattern : origins.patterns()) {
            if (json.length() > 1) {
                json.append(',');
            }
            SockJsJson.appendQuoted(json, pattern);
        }
        return json.append(']').toString();
    }

    /** The iframe page for cross-domain transports: cached for a year, revalidated by ETag. */
    public static void iframe(ChannelHandlerContext ctx, SockJsRequest request, SockJsOptions options) {
        IframePage page = IFRAMES.computeIfAbsent(options.clientScriptUrl(), IframePage::new);
        FullHttpResponse response;
        if (page.etag.equals(request.header(HttpHeaderNames.IF_NONE_MATCH))) {
            response = SockJsResponses.full(ctx, request, HttpResponseStatus.NOT_MODIFIED, null, "");
        } else {
            response = SockJsResponses.full(ctx, request, HttpResponseStatus.OK, "text/html;charset=UTF-8", page.html);
        }
        SockJsResponses.cacheOneYear(response.headers());
        response.headers().set(HttpHeaderNames.ETAG, page.etag);
        SockJsResponses.send(ctx, request, response);
    }

    /** A strong ETag: the quoted hex SHA-256 of {@code content}. */
    public static String etag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static final class IframePage {
        final String html;
        final String etag;

        IframePage(String scriptUrl) {
            this.html = IFRAME_TEMPLATE.formatted(scriptUrl.replace("\"", "&quot;"));
            this.etag = etag(html.getBytes(StandardCharsets.UTF_8));
        }
    }
}
