package io.wildcloud.ws.sockjs.transport;

import io.netty.channel.ChannelHandlerContext;
import io.wildcloud.ws.sockjs.SockJsEndpoint;
import io.wildcloud.ws.sockjs.TransportType;
import io.wildcloud.ws.sockjs.http.SockJsRequest;
import io.wildcloud.ws.sockjs.session.SessionKey;

/**
 * {@code GET /<server>/<session>/htmlfile?c=<callback>}: old IE's streaming, a never-ending HTML
 * page in a hidden iframe whose scripts pass each frame to {@code parent.<callback>}.
 */
public final class HtmlFileTransport implements HttpTransport {

    private static final String HEAD = """
            <!doctype html>
            <html><head>
              <meta http-equiv="X-UA-Compatible" content="IE=edge" />
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
            </head><body><h2>Don't panic!</h2>
              <script>
                document.domain = document.domain;
                var c = parent.%s;
                c.start();
                function p(d) {c.message(d);};
                window.onload = function() {c.stop();};
              </script>
            """;

    private final SockJsRuntime runtime;

    public HtmlFileTransport(SockJsRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handle(ChannelHandlerContext ctx, SockJsRequest request, SockJsEndpoint endpoint, SessionKey key) {
        String callback = JsonpCallbacks.requireValid(ctx, request);
        if (callback != null) {
            String prelude = prelude(callback);
            new StreamingReceiver(ctx, request, endpoint, key, runtime, TransportType.HTMLFILE,
                    FrameFormat.HTML_FILE, c -> StreamingReceiver.ascii(c, prelude)).start();
        }
    }

    /** The page head, padded past 1 KiB: IE renders (and runs) nothing of a page before that. */
    static String prelude(String callback) {
        String head = HEAD.formatted(callback);
        return head + " ".repeat(Math.max(0, 1025 - head.length())) + "\r\n\r\n";
    }
}
