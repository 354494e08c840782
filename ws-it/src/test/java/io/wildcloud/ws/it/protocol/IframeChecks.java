package io.wildcloud.ws.it.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.it.http.RawResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The iframe page that the iframe-based transports load from the SockJS server's origin. */
public abstract class IframeChecks extends ProtocolChecks {

    /** The page the protocol prescribes, byte for byte, except for the client script's URL. */
    private static final String PAGE = """
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
    private static final Pattern SCRIPT_SRC = Pattern.compile("<script src=\"([^\"]*)\"></script>");

    @Test
    void plainIframeUrlServesThePage() {
        assertIframePage(target().echo() + "/iframe.html");
    }

    @Test
    void versionedIframeUrlsServeThePage() {
        for (String suffix : new String[] {"/iframe-a.html", "/iframe-.html", "/iframe-0.1.2.html",
                "/iframe-0.1.2abc-dirty.2144.html"}) {
            assertIframePage(target().echo() + suffix);
        }
    }

    @Test
    void queryStringsAreIgnored() {
        for (String suffix : new String[] {"/iframe-a.html?t=1234", "/iframe-0.1.2.html?t=123414",
                "/iframe-0.1.2abc-dirty.2144.html?t=qweqweq123"}) {
            assertIframePage(target().echo() + suffix);
        }
    }

    @Test
    void malformedIframeUrlsAreNotFound() {
        for (String suffix : new String[] {"/iframe.htm", "/iframe", "/IFRAME.HTML", "/IFRAME", "/iframe.HTML",
                "/iframe.xml", "/iframe-/.html"}) {
            assertStatus(404, http().get(target().echo() + suffix));
        }
    }

    @Test
    void pageHasAStableEtagAndAnswersIfNoneMatchWith304() {
        RawResponse first = http().get(target().echo() + "/iframe.html");
        RawResponse second = http().get(target().echo() + "/iframe.html");
        String etag = first.header("etag");
        assertNotNull(etag);
        assertEquals(etag, second.header("etag"));

        RawResponse notModified = http().get(target().echo() + "/iframe.html", "If-None-Match", etag);
        assertStatus(304, notModified);
        assertNull(notModified.header("content-type"));
        assertEquals(0, notModified.body().length);
    }

    @Test
    void clientScriptOfThePageIsServedByTheNodeItself() {
        String src = scriptUrl(http().get(target().echo() + "/iframe.html"));
        assertTrue(src.startsWith("/"), () -> "the node must serve sockjs-client itself, not from " + src);
        RawResponse script = http().get(target().topUrl() + src);
        assertStatus(200, script);
        String type = script.header("content-type");
        assertTrue(type != null && type.contains("javascript"), () -> "Content-Type " + type);
        assertTrue(script.bodyText().contains("1.6.1"), "sockjs-client 1.6.1 expected");
        assertTrue(script.bodyText().contains("bootstrap_iframe"), "not the sockjs-client script");
    }

    private RawResponse assertIframePage(String url) {
        RawResponse response = http().get(url);
        assertStatus(200, response);
        assertContentType("text/html;charset=UTF-8", response);
        assertLongCached(response);
        assertNotNull(response.header("etag"), "ETag");
        assertNull(response.header("last-modified"), "Last-Modified");
        assertNoCookie(response);
        String src = scriptUrl(response);
        assertTrue(src.startsWith("/") || src.startsWith("http"), src);
        assertEquals(PAGE.formatted(src), response.bodyText().strip());
        return response;
    }

    private static String scriptUrl(RawResponse page) {
        Matcher matcher = SCRIPT_SRC.matcher(page.bodyText());
        assertTrue(matcher.find(), () -> "no client script in:\n" + page.bodyText());
        return matcher.group(1);
    }
}
