package io.wildcloud.ws.it.browser;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One tab showing the test page ({@code sockjs-test.html}), with one SockJS connection. Every call
 * first focuses this tab, so several pages can share one browser. Waits are bounded and poll the
 * page's own state ({@code window.wsTest}); nothing sleeps.
 */
final class SockJsPage {

    static final Duration WAIT = Duration.ofSeconds(20);
    /** The client the node serves; the page checks {@code SockJS.version}. */
    static final String CLIENT_VERSION = "1.6.1";

    private final WebDriver driver;
    private final String windowHandle;

    private SockJsPage(WebDriver driver, String windowHandle) {
        this.driver = driver;
        this.windowHandle = windowHandle;
    }

    /** Loads the test page into the tab the driver is focused on and loads sockjs-client from the node. */
    static SockJsPage open(WebDriver driver, URI pageUrl, String clientScriptUrl) {
        driver.get(pageUrl.toString());
        SockJsPage page = new SockJsPage(driver, driver.getWindowHandle());
        Object loaded = ((JavascriptExecutor) driver).executeAsyncScript(
                "window.wsTest.loadClient(arguments[0], arguments[arguments.length - 1]);", clientScriptUrl);
        if (!("loaded " + CLIENT_VERSION).equals(loaded)) {
            throw new AssertionError("sockjs-client " + CLIENT_VERSION + " did not load from " + clientScriptUrl + ": " + loaded);
        }
        return page;
    }

    /** {@code new SockJS(url, null, {transports: [transport]})}; then waits until it is open. */
    void connect(String sockJsUrl, String transport) {
        js("window.wsTest.connect(arguments[0], arguments[1]);", sockJsUrl, transport);
        await("the connection to open with " + transport, d -> {
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
        await(count + " messages after #" + from, d -> receivedCount() >= from + count);
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
        await("the close event", d -> "closed".equals(js("return window.wsTest.state;")));
        return ((Number) js("return window.wsTest.closeCode;")).intValue();
    }

    /** The page's origin, as the browser sees it. */
    String origin() {
        return (String) js("return location.origin;");
    }

    /** Closes this tab; the driver is left without focus (focus another page before using it). */
    void closeTab() {
        focus();
        driver.close();
    }

    /** Waits until the server closes the connection; returns {@code code reason} as the client saw them. */
    String awaitClosedByServer() {
        await("the server to close the connection", d -> "closed".equals(js("return window.wsTest.state;")));
        return js("return window.wsTest.closeCode;") + " " + js("return window.wsTest.closeReason;");
    }

    List<?> pageErrors() {
        return (List<?>) js("return window.wsTest.errors;");
    }

    private Object js(String script, Object... args) {
        focus();
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private void focus() {
        if (!windowHandle.equals(driver.getWindowHandle())) {
            driver.switchTo().window(windowHandle);
        }
    }

    private void await(String what, Function<WebDriver, Boolean> condition) {
        try {
            new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).until(condition);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out after " + WAIT + " waiting for " + what
                    + " (received " + receivedSince(0).stream().map(TestMessages::describe).toList()
                    + ", state " + js("return window.wsTest.state;")
                    + ", page errors " + pageErrors() + ")", e);
        }
    }
}
