package io.wildcloud.ws.it.node;

import java.io.File;
import java.nio.file.Path;

/**
 * The runnable jars ws-it builds: {@code ws-it-*-loadgen.jar} and {@code ws-it-*-demo.jar} (the node's
 * is {@link NodeProcess#nodeJar()}). ws-it packages them after its own unit tests, so only tests
 * tagged {@link #TAG} may use them: its pom runs those in a second surefire execution, in the
 * {@code integration-test} phase, after {@code package}.
 */
public final class PackagedJars {

    /** The JUnit tag of tests that run ws-it's own jars. */
    public static final String TAG = "packaged-jars";

    private PackagedJars() {
    }

    /** {@code -Dws.loadgen.jar=...} when set, else the newest {@code target/ws-it-*-loadgen.jar}. */
    public static Path loadgenJar() {
        return newest("ws.loadgen.jar", "-loadgen.jar");
    }

    /** {@code -Dws.demo.jar=...} when set, else the newest {@code target/ws-it-*-demo.jar}. */
    public static Path demoJar() {
        return newest("ws.demo.jar", "-demo.jar");
    }

    private static Path newest(String property, String suffix) {
        String configured = System.getProperty(property);
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        File target = Path.of("target").toAbsolutePath().toFile();
        File[] jars = target.listFiles((dir, file) -> file.startsWith("ws-it-") && file.endsWith(suffix));
        if (jars == null || jars.length == 0) {
            throw new AssertionError("no ws-it-*" + suffix + " in " + target
                    + ": these tests run after package (mvn -B -pl ws-it -am verify)");
        }
        File newest = jars[0];
        for (File jar : jars) {
            if (jar.lastModified() > newest.lastModified()) {
                newest = jar;
            }
        }
        return newest.toPath();
    }
}
