package io.wildcloud.ws.it.browser;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.wildcloud.ws.common.client.NotFoundException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.WebDriver;

/**
 * What a browser test class shares: the service ({@link PushStack}), the application's callback
 * ({@link CallbackRecorder}), the test page's own origin ({@link TestPageServer}) and one browser
 * (one per class: starting one costs seconds). Skips (or in CI fails) before starting anything
 * when the browser is not installed.
 */
final class BrowserFixture implements AutoCloseable {

    /** sockjs-client's names of the seven transports a browser may use. */
    static final List<String> TRANSPORTS = List.of("websocket", "xhr-streaming", "iframe-eventsource",
            "iframe-htmlfile", "xhr-polling", "iframe-xhr-polling", "jsonp-polling");

    private static final Duration SESSION_GONE_WAIT = Duration.ofSeconds(20);

    private final PushStack stack;
    private final CallbackRecorder callbacks;
    private final TestPageServer pages;
    private final Browser browser;

    private BrowserFixture(PushStack stack, CallbackRecorder callbacks, TestPageServer pages, Browser browser) {
        this.stack = stack;
        this.callbacks = callbacks;
        this.pages = pages;
        this.browser = browser;
    }

    static BrowserFixture start(PushStack.Factory topology, BrowserKind kind) throws Exception {
        kind.require();
        PushStack stack = topology.start();
        CallbackRecorder callbacks = null;
        TestPageServer pages = null;
        try {
            callbacks = new CallbackRecorder(stack.secret());
            pages = new TestPageServer();
            return new BrowserFixture(stack, callbacks, pages, kind.launch());
        } catch (Exception | Error e) {
            closeQuietly(pages);
            closeQuietly(callbacks);
            stack.close();
            throw e;
        }
    }

    PushStack stack() {
        return stack;
    }

    CallbackRecorder callbacks() {
        return callbacks;
    }

    /** Selenium's driver, for tests that run in chromium only and use more of it than {@link Browser}. */
    WebDriver chromeDriver() {
        if (browser instanceof ChromeBrowser chrome) {
            return chrome.driver();
        }
        throw new IllegalStateException("not chromium: " + browser.version());
    }

    /** The application's server side: authorizes {@code clientId} with the secret; returns the socket id. */
    String authorize(String clientId) throws Exception {
        return stack.api().authorize(clientId, callbacks.url());
    }

    /** Loads a fresh test page into the main tab. */
    SockJsPage openPage() {
        return load(browser.firstTab());
    }

    /** Opens a second tab with its own test page. */
    SockJsPage openPageInNewTab() {
        return load(browser.newTab());
    }

    /** Closes a tab opened by {@link #openPageInNewTab()}. */
    void closeTab(SockJsPage page) {
        page.closeTab();
    }

    private SockJsPage load(BrowserTab tab) {
        SockJsPage page = SockJsPage.open(tab, pages.pageUrl(), stack.clientScriptUrl());
        // The point of the page server: every SockJS request from the page is cross-origin.
        assertNotEquals(URI.create(stack.publicBase()).resolve("/").toString(), page.origin() + "/",
                "the test page must not share the node's origin");
        return page;
    }

    /**
     * Waits until the node has dropped a session the client closed: a publish to it answers 404.
     * Polling transports have no way to say goodbye, so this takes up to the disconnect delay.
     */
    void awaitSessionGone(String socketId, String sessionId) throws Exception {
        long deadline = System.nanoTime() + SESSION_GONE_WAIT.toNanos();
        Object last;
        do {
            try {
                last = stack.api().publish(socketId, sessionId, "after close");
            } catch (NotFoundException gone) {
                return;
            }
            Thread.sleep(100); // a poll interval of the bounded wait, not a guess at timing
        } while (System.nanoTime() < deadline);
        throw new AssertionError("session " + sessionId + " still accepts publishes " + SESSION_GONE_WAIT
                + " after the client closed it: " + last);
    }

    @Override
    public void close() throws java.io.IOException {
        try {
            browser.close();
        } finally {
            pages.close();
            callbacks.close();
            stack.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // already failing; the first error is the one to report
            }
        }
    }
}
