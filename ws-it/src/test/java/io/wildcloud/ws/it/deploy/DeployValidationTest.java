package io.wildcloud.ws.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code deploy/validate.sh}: the balancer configs through {@code nginx -t} and
 * {@code haproxy -c}, the compose file and Kubernetes manifests through their invariants, the alert
 * rules through {@code promtool check rules}, the Grafana dashboard's structure, and a real
 * {@code deploy/local-cluster.sh} start, round robin, node stop and stop against the built jar, with
 * a push node on its Redis whose {@code /metrics} must hold every series the rules and the dashboard use.
 * Without the tools it is skipped with a message, except under {@code CI=true}, where it fails.
 */
class DeployValidationTest {

    private static final Pattern SUMMARY = Pattern.compile("(?m)^validate: (\\d+) passed, (\\d+) failed, (\\d+) skipped$");
    private static final boolean CI = "true".equals(System.getenv("CI"));

    private final Path repo = findRepo();

    @Test
    void balancerConfigsAndManifestsAreValid() throws Exception {
        requireTools("nginx", "haproxy", "python3", "promtool");
        String output = validate("--strict");
        assertSummary(output, 6);
    }

    @Test
    void localClusterStartsBalancesRoundRobinAndStopsEverything() throws Exception {
        requireTools("nginx", "redis-server", "redis-cli", "curl", "java", "python3");
        Path jar = findJar();
        String output = validate("--cluster-only", "--strict", "--jar", jar.toString());
        assertSummary(output, 16);
    }

    private static void assertSummary(String output, int atLeastPassed) {
        Matcher summary = SUMMARY.matcher(output);
        if (!summary.find()) {
            fail("validate.sh printed no summary:\n" + output);
        }
        assertEquals("0", summary.group(2), "failed steps:\n" + output);
        assertEquals("0", summary.group(3), "skipped steps:\n" + output);
        assertTrue(Integer.parseInt(summary.group(1)) >= atLeastPassed, "too few steps ran:\n" + output);
    }

    private String validate(String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", repo.resolve("deploy/validate.sh").toString()));
        command.addAll(List.of(flags));
        Path log = Files.createTempFile("deploy-validate", ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(repo.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            // Start waits up to 90s per process; a drain takes up to 35s per stop.
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                // SIGTERM lets validate.sh stop the cluster it started before it exits.
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
                fail("validate.sh did not finish in 5 minutes:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), "validate.sh failed:\n" + output);
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void requireTools(String... tools) {
        List<String> missing = Stream.of(tools).filter(tool -> !onPath(tool)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = "deploy validation needs " + missing
                + " (Debian: apt-get install nginx-light haproxy redis-server curl python3-yaml prometheus)";
        if (CI) {
            fail(message + "; CI=true, so this is a failure, not a skip");
        }
        Assumptions.abort(message);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private Path findJar() throws IOException {
        Path target = repo.resolve("ws-node/target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                var jar = files.filter(f -> f.getFileName().toString().matches("ws-node-.*-all\\.jar")).findFirst();
                if (jar.isPresent()) {
                    return jar.get();
                }
            }
        }
        String message = "no ws-node/target/ws-node-*-all.jar: build it first (mvn -B -DskipTests package)";
        if (CI) {
            fail(message);
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** The repository root: the first ancestor of the working directory with deploy/validate.sh. */
    private static Path findRepo() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("deploy/validate.sh"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no deploy/validate.sh above " + Path.of("").toAbsolutePath());
    }
}
