package io.wildcloud.ws.it.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wildcloud.ws.demo.DemoMain;
import io.wildcloud.ws.demo.DemoSettings;
import io.wildcloud.ws.loadgen.LoadOptions;
import io.wildcloud.ws.node.BuildInfo;
import io.wildcloud.ws.node.NodeHelp;
import io.wildcloud.ws.node.config.NodeConfig;
import io.wildcloud.ws.node.config.SettingDefinition;
import io.wildcloud.ws.node.config.SettingsHelp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar <jar> --help} and {@code --version} of the three runnable jars, as a user runs
 * them: exit code 0, nothing on stderr, and exactly the text the build's own classes render (so the
 * jar holds this build's settings, version and commit).
 */
@Tag(PackagedJars.TAG)
class CommandLineInfoTest {

    private static final long TIMEOUT_SECONDS = 60;

    /** What one run of a jar did. */
    record Run(int exitCode, String stdout, String stderr) {
    }

    private final BuildInfo build = BuildInfo.current();

    @Test
    void nodeHelpListsEverySettingWithDefaultAndMeaning() {
        Run run = run(NodeProcess.nodeJar(), "--help");
        assertSucceeded(run);
        assertEquals(NodeHelp.help(build), run.stdout());
        assertTrue(run.stdout().startsWith("wildcloud-websockets node " + build.version() + " (commit "), run.stdout());
        assertListsAll(run.stdout(), NodeConfig.ALL_DEFINITIONS, true);
    }

    @Test
    void nodeVersionNamesVersionAndCommit() {
        Run run = run(NodeProcess.nodeJar(), "--version");
        assertSucceeded(run);
        assertEquals("wildcloud-websockets node " + build.version() + " (commit " + build.commit() + ")\n", run.stdout());
        assertTrue(build.commit().matches("[0-9a-f]{7,40}|unknown"), build.commit());
    }

    @Test
    void nodeHelpWinsOverOtherSettings() {
        // An invalid setting beside --help must not stop it: the user asked for help.
        Run run = run(NodeProcess.nodeJar(), "--public-port=abc", "--help");
        assertSucceeded(run);
        assertEquals(NodeHelp.help(build), run.stdout());
    }

    @Test
    void loadgenHelpListsEveryOption() {
        Run run = run(PackagedJars.loadgenJar(), "--help");
        assertSucceeded(run);
        assertEquals(LoadOptions.help(build), run.stdout());
        assertListsAll(run.stdout(), LoadOptions.OPTIONS, false);
    }

    @Test
    void loadgenVersionNamesVersionAndCommit() {
        Run run = run(PackagedJars.loadgenJar(), "--version");
        assertSucceeded(run);
        assertEquals("wildcloud-websockets loadgen " + build.version() + " (commit " + build.commit() + ")\n", run.stdout());
    }

    @Test
    void loadgenStillRefusesAnUnknownOption() {
        Run run = run(PackagedJars.loadgenJar(), "--sesions=5");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.stderr().startsWith("unknown option --sesions\nUsage: "), run.stderr());
    }

    @Test
    void demoHelpListsEveryFlag() {
        Run run = run(PackagedJars.demoJar(), "--help");
        assertSucceeded(run);
        assertEquals(DemoMain.help(build), run.stdout());
        assertListsAll(run.stdout(), DemoSettings.FLAGS, false);
    }

    @Test
    void demoVersionNamesVersionAndCommit() {
        Run run = run(PackagedJars.demoJar(), "--version");
        assertSucceeded(run);
        assertEquals("wildcloud-websockets demo " + build.version() + " (commit " + build.commit() + ")\n", run.stdout());
    }

    private static void assertSucceeded(Run run) {
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("", run.stderr(), "stderr");
    }

    /** Every setting's block: its flag line, then its default, as plain text. */
    private static void assertListsAll(String help, List<SettingDefinition> definitions, boolean withEnvironment) {
        for (SettingDefinition definition : definitions) {
            String head = "\n  --" + definition.name()
                    + (withEnvironment ? ", " + SettingsHelp.environmentVariable("WS_", definition.name()) : "")
                    + "\n      default: " + SettingDefinition.plain(definition.defaultShown()) + "\n";
            assertTrue(help.contains(head), "no block for " + definition.name() + " in:\n" + help);
        }
    }

    /** Runs {@code java -jar jar args...}, bounded in time; kills it by its handle if it hangs. */
    private static Run run(Path jar, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        try {
            Path dir = Files.createDirectories(Path.of("target", "command-line").toAbsolutePath());
            Path out = Files.createTempFile(dir, "stdout", ".txt");
            Path err = Files.createTempFile(dir, "stderr", ".txt");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError(command + " still running after " + TIMEOUT_SECONDS + " s; stdout:\n"
                            + Files.readString(out, StandardCharsets.UTF_8));
                }
            } finally {
                if (process.isAlive()) {
                    process.toHandle().destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
