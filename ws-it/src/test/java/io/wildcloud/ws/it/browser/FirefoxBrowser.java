package io.wildcloud.ws.it.browser;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;

/**
 * One headless Firefox ({@link FirefoxProcess}) driven over WebDriver BiDi, which Firefox serves
 * itself: no geckodriver, nothing downloaded. A tab is a top-level browsing context; commands name
 * their context, so tabs need no focusing. Only the commands the checks use: {@code session.new},
 * {@code browsingContext.getTree / create / navigate / captureScreenshot / close} and
 * {@code script.callFunction}.
 */
final class FirefoxBrowser implements Browser {

    /** Longer than any single wait of the checks (page loads, sockjs-client loading). */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final FirefoxProcess process;
    private final BidiConnection bidi;
    private final String version;
    private final BrowserTab firstTab;

    private FirefoxBrowser(FirefoxProcess process, BidiConnection bidi, String version, String firstContext) {
        this.process = process;
        this.bidi = bidi;
        this.version = version;
        this.firstTab = new BidiTab(firstContext);
    }

    /** Launches Firefox; call {@link BrowserSupport#requireFirefox()} first. */
    static FirefoxBrowser launch() throws IOException, InterruptedException {
        FirefoxProcess process = FirefoxProcess.start(BrowserSupport.FIREFOX);
        BidiConnection bidi = null;
        try {
            bidi = BidiConnection.open(process.bidi().resolve("/session"), COMMAND_TIMEOUT);
            JsonObject session = bidi.send("session.new", object("capabilities", new JsonObject()));
            JsonObject capabilities = session.getAsJsonObject("capabilities");
            String version = capabilities.get("browserName").getAsString() + " "
                    + capabilities.get("browserVersion").getAsString();
            JsonArray contexts = bidi.send("browsingContext.getTree", object("maxDepth", 0)).getAsJsonArray("contexts");
            String first = contexts.get(0).getAsJsonObject().get("context").getAsString();
            return new FirefoxBrowser(process, bidi, version, first);
        } catch (InterruptedException | RuntimeException e) {
            if (bidi != null) {
                bidi.close();
            }
            try {
                process.close();
            } catch (IOException stopFailed) {
                e.addSuppressed(stopFailed);
            }
            throw e;
        }
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public BrowserTab firstTab() {
        return firstTab;
    }

    @Override
    public BrowserTab newTab() {
        JsonObject created = bidi.send("browsingContext.create", object("type", "tab"));
        return new BidiTab(created.get("context").getAsString());
    }

    @Override
    public void close() throws IOException {
        try {
            bidi.close();
        } finally {
            process.close();
        }
    }

    private static JsonObject object(String name, Object value) {
        JsonObject object = new JsonObject();
        if (value instanceof Number number) {
            object.addProperty(name, number);
        } else if (value instanceof JsonObject json) {
            object.add(name, json);
        } else {
            object.addProperty(name, (String) value);
        }
        return object;
    }

    /** A top-level browsing context. */
    private final class BidiTab implements BrowserTab {

        private final String context;

        BidiTab(String context) {
            this.context = context;
        }

        @Override
        public void navigate(URI url) {
            JsonObject params = object("context", context);
            params.addProperty("url", url.toString());
            params.addProperty("wait", "complete");
            bidi.send("browsingContext.navigate", params);
        }

        @Override
        public Object run(String body, Object... args) {
            JsonObject target = object("context", context);
            JsonArray arguments = new JsonArray();
            for (Object arg : args) {
                arguments.add(BidiValues.local(arg));
            }
            JsonObject params = object("functionDeclaration", "function () {\n" + body + "\n}");
            params.add("target", target);
            params.add("arguments", arguments);
            params.addProperty("awaitPromise", true);
            params.addProperty("resultOwnership", "none");
            JsonObject result = bidi.send("script.callFunction", params);
            if ("exception".equals(result.get("type").getAsString())) {
                JsonObject details = result.getAsJsonObject("exceptionDetails");
                throw new BrowserScriptException(details.get("text").getAsString() + " in " + body, null);
            }
            return BidiValues.java(result.getAsJsonObject("result"));
        }

        @Override
        public byte[] screenshot() {
            JsonObject shot = bidi.send("browsingContext.captureScreenshot", object("context", context));
            return Base64.getDecoder().decode(shot.get("data").getAsString());
        }

        @Override
        public void close() {
            bidi.send("browsingContext.close", object("context", context));
        }
    }
}
