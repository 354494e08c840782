package io.wildcloud.ws.it.browser;

/** The browsers the checks run in, each with what it needs installed and how it starts. */
enum BrowserKind {

    /** Debian's chromium through chromedriver (Selenium). */
    CHROMIUM {
        @Override
        void require() {
            BrowserSupport.requireChromium();
        }

        @Override
        Browser launch() throws Exception {
            return ChromeBrowser.launch();
        }
    },

    /** Debian's Firefox ESR over WebDriver BiDi, no driver binary. */
    FIREFOX {
        @Override
        void require() {
            BrowserSupport.requireFirefox();
        }

        @Override
        Browser launch() throws Exception {
            return FirefoxBrowser.launch();
        }
    };

    /** Skips (or, in CI, fails) the calling test unless this browser is installed. */
    abstract void require();

    /** Starts a fresh instance with its own throwaway profile; call {@link #require()} first. */
    abstract Browser launch() throws Exception;
}
