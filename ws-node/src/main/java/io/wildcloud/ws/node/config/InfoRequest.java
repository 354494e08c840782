package io.wildcloud.ws.node.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code --help} ({@code -h}) and {@code --version}: answered on standard output with exit code 0
 * before any setting is read, so that neither is taken for a setting named {@code help}.
 */
public enum InfoRequest {
    HELP,
    VERSION;

    /** The request among {@code args}, help winning over version; empty when neither is there. */
    public static Optional<InfoRequest> find(String[] args) {
        List<String> given = List.of(args);
        if (given.contains("--help") || given.contains("-h")) {
            return Optional.of(HELP);
        }
        return given.contains("--version") ? Optional.of(VERSION) : Optional.empty();
    }
}
