package io.wildcloud.ws.it.browser;

/** {@link BrowserTransportChecks} against one node with the in-memory engine. */
class SingleNodeBrowserTransportTest extends BrowserTransportChecks {

    @Override
    PushStack.Factory topology() {
        return PushStack::singleNode;
    }
}
