package io.wildcloud.ws.it.browser;

import java.net.URI;

/**
 * One tab of a {@link Browser}. Tabs of one browser may be used in any order: each call acts on its
 * own tab whichever was used last.
 */
interface BrowserTab {

    /** Loads {@code url} and returns once the page's load event has fired. */
    void navigate(URI url);

    /**
     * Runs {@code body} as the body of a function called with {@code args} (reachable as
     * {@code arguments[i]}; strings, numbers, booleans and null), awaits the promise it returns if
     * it returns one, and returns the result as Java values: {@code String}, {@code Long} (integral
     * numbers), {@code Double}, {@code Boolean}, {@code List}, {@code Map}, or {@code null}.
     *
     * @throws BrowserScriptException when the script throws or its promise rejects
     */
    Object run(String body, Object... args);

    /** A PNG of what the tab shows. */
    byte[] screenshot();

    /** Closes this tab; it must not be used again. */
    void close();

    /** A script that threw, or a promise that rejected, in the page. */
    final class BrowserScriptException extends RuntimeException {
        BrowserScriptException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
