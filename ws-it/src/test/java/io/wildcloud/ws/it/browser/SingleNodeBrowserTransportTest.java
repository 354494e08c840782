package io.wildcloud.ws.it.browser;

/** {@link BrowserTransportChecks} in chromium against one node with the in-memory engine. */
class SingleNodeBrowserTransportTest extends BrowserTransportChecks {

    @Override
    BrowserKind browser() {
        return BrowserKind.CHROMIUM;
    }

    @Override
    PushStack.Factory topology() {
        return PushStack::singleNode;
    }
}
