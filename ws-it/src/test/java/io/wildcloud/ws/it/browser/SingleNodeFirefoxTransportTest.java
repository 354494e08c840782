package io.wildcloud.ws.it.browser;

/** {@link BrowserTransportChecks} in Firefox ESR (over WebDriver BiDi) against one node with the in-memory engine. */
class SingleNodeFirefoxTransportTest extends BrowserTransportChecks {

    @Override
    BrowserKind browser() {
        return BrowserKind.FIREFOX;
    }

    @Override
    PushStack.Factory topology() {
        return PushStack::singleNode;
    }
}
