package io.wildcloud.ws.node;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and git commit this build was made from, as Maven wrote them into
 * {@code build.properties} (ws-node's pom: resources filtering, the commit from {@code git rev-parse}).
 * Either is {@code unknown} when the build had none: a build outside a git checkout, or classes
 * compiled without Maven's resource filtering.
 *
 * @param version the project version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param commit the short commit id, e.g. {@code 61b97722e2f0}
 */
public record BuildInfo(String version, String commit) {

    public static final String UNKNOWN = "unknown";
    private static final String RESOURCE = "/io/wildcloud/ws/node/build.properties";

    /** This build's info, read from the class path. */
    public static BuildInfo current() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return of(properties);
    }

    /** Reads {@code version} and {@code commit}; a value missing or left unfiltered is {@link #UNKNOWN}. */
    static BuildInfo of(Properties properties) {
        return new BuildInfo(known(properties.getProperty("version")), known(properties.getProperty("commit")));
    }

    private static String known(String value) {
        // "${...}": the placeholder survived, so nothing filled it in.
        return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.trim();
    }

    /** The line {@code --version} prints, e.g. {@code wildcloud-websockets node 0.1.0 (commit 61b97722e2f0)}. */
    public String versionLine(String program) {
        return program + " " + version + " (commit " + commit + ")";
    }
}
