package io.wildcloud.ws.it.browser;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One tab showing the test page ({@code sockjs-test.html}), with one SockJS connection; several
 * pages can share one browser. Waits are bounded and poll the page's own state
 * ({@code window.wsTest}); nothing sleeps but the poll interval.
 */
final class SockJsPage {

    static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(50);
    /** The client the node serves; the page checks {@code SockJS.version}. */
    static final String CLIENT_VERSION = "1.6.1";

    private final BrowserTab tab;

    private SockJsPage(BrowserTab tab) {
        this.tab = tab;
    }

    /** Loads the test page into {@code tab} and loads sockjs-client from the node. */
    static SockJsPage open(BrowserTab tab, URI pageUrl, String clientScriptUrl) {
        tab.navigate(pageUrl);
        SockJsPage page = new SockJsPage(tab);
        Object loaded = tab.run("var src = arguments[0];"
                + " return new Promise(function (done) { window.wsTest.loadClient(src, done); });", clientScriptUrl);
        if (!("loaded " + CLIENT_VERSION).equals(loaded)) {
            throw new AssertionError("sockjs-client " + CLIENT_VERSION + " did not load from " + clientScriptUrl + ": " + loaded);
        }
        return page;
    }

    /** {@code new SockJS(url, null, {transports: [transport]})}; then waits until it is open. */
    void connect(String sockJsUrl, String transport) {
        js("window.wsTest.connect(arguments[0], arguments[1]);", sockJsUrl, transport);
        await("the connection to open with " + transport, () -> {
            Object state = js("return window.wsTest.state;");
            if ("closed".equals(state)) {
                throw new AssertionError(transport + " closed before opening: " + js("return window.wsTest.closeCode;")
                        + " " + js("return window.wsTest.closeReason;") + ", page errors " + js("return window.wsTest.errors;"));
            }
            return "open".equals(state);
        });
    }

    /** What the client says it uses: {@code sock.transport}. */
    String transport() {
        return (String) js("return window.wsTest.transport;");
    }

    /** What the client's internal transport object calls itself. */
    String internalTransport() {
        return (String) js("return window.wsTest.internalTransport;");
    }

    void send(String text) {
        js("window.wsTest.send(arguments[0]);", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
    }

    int receivedCount() {
        return ((Number) js("return window.wsTest.received.length;")).intValue();
    }

    /** Messages received from index {@code from} on, exactly as the page got them. */
    List<String> receivedSince(int from) {
        List<?> encoded = (List<?>) js("return window.wsTest.receivedSince(arguments[0]);", from);
        List<String> messages = new ArrayList<>();
        for (Object item : encoded) {
            messages.add(new String(Base64.getDecoder().decode((String) item), StandardCharsets.UTF_8));
        }
        return messages;
    }

    /** Waits until at least {@code count} messages arrived after index {@code from}; returns them all. */
    List<String> awaitReceived(int from, int count) {
        await(count + " messages after #" + from, () -> receivedCount() >= from + count);
        return receivedSince(from);
    }

    /**
     * Waits for {@code expected.size()} messages after index {@code from} and returns them; on
     * timeout, the error names the expected messages that never came.
     */
    List<String> awaitReceived(int from, List<String> expected) {
        try {
            return awaitReceived(from, expected.size());
        } catch (AssertionError e) {
            List<String> got = receivedSince(from);
            List<String> missing = expected.stream().filter(m -> !got.contains(m)).map(TestMessages::describe).toList();
            throw new AssertionError("never received " + missing + "; " + e.getMessage(), e);
        }
    }

    /** Closes from the client side and waits for the close event; returns its code. */
    int close() {
        js("window.wsTest.sock.close();");
        await("the close event", () -> "closed".equals(js("return window.wsTest.state;")));
        return ((Number) js("return window.wsTest.closeCode;")).intValue();
    }

    /** The page's origin, as the browser sees it. */
    String origin() {
        return (String) js("return location.origin;");
    }

    /** Closes this tab; the page must not be used again. */
    void closeTab() {
        tab.close();
    }

    /** Waits until the server closes the connection; returns {@code code reason} as the client saw them. */
    String awaitClosedByServer() {
        await("the server to close the connection", () -> "closed".equals(js("return window.wsTest.state;")));
        return js("return window.wsTest.closeCode;") + " " + js("return window.wsTest.closeReason;");
    }

    List<?> pageErrors() {
        return (List<?>) js("return window.wsTest.errors;");
    }

    private Object js(String script, Object... args) {
        return tab.run(script, args);
    }

    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                AssertionError timedOut = new AssertionError("timed out after " + WAIT + " waiting for " + what
                        + " (received " + receivedSince(0).stream().map(TestMessages::describe).toList()
                        + ", state " + js("return window.wsTest.state;")
                        + ", page errors " + pageErrors() + ")");
                try {
                    Screenshots.save(tab, "timeout-" + System.currentTimeMillis());
                } catch (IOException | RuntimeException e) {
                    timedOut.addSuppressed(e);
                }
                throw timedOut;
            }
            try {
                Thread.sleep(POLL.toMillis()); // the poll interval of a bounded wait on the page's state
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
