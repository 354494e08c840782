package io.wildcloud.ws.node;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

/** Switches logging to one JSON object per line ({@code log-format=json}). */
final class LogFormat {

    private LogFormat() {
    }

    static void useJson() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(LogFormat.class.getResource("/logback-json.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure JSON logging", e);
        }
    }
}
