package io.wildcloud.ws.node.config;

/** A setting is missing or invalid; the message names the setting and says what it accepts. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    static ConfigException invalid(String setting, String value, String expectation) {
        return new ConfigException("invalid setting " + setting + "=" + value + ": " + expectation);
    }
}
