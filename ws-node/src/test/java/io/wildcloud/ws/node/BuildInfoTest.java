package io.wildcloud.ws.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void theBuildFilledInVersionAndCommit() {
        BuildInfo build = BuildInfo.current();
        // Tests run from Maven, which filters build.properties; the commit is unknown only outside git.
        assertTrue(build.version().matches("\\d+\\.\\d+\\.\\d+.*"), build.version());
        assertTrue(build.commit().matches("[0-9a-f]{7,40}|unknown"), build.commit());
    }

    /** The commit is git's HEAD of this checkout, or unknown where git has none (no checkout, no git). */
    @Test
    void theCommitIsTheCheckoutsHead() throws Exception {
        String head = "unknown";
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0) {
                head = out;
            }
        } catch (IOException noGit) {
            // No git on the PATH: the build could not ask it either.
        }
        assertEquals(head, BuildInfo.current().commit());
    }

    @Test
    void placeholdersLeftUnfilledReadAsUnknown() {
        Properties unfiltered = new Properties();
        unfiltered.setProperty("version", "${project.version}");
        unfiltered.setProperty("commit", "${git.commit}");
        assertEquals(new BuildInfo("unknown", "unknown"), BuildInfo.of(unfiltered));
        assertEquals(new BuildInfo("unknown", "unknown"), BuildInfo.of(new Properties()));
    }

    @Test
    void versionLineNamesProgramVersionAndCommit() {
        assertEquals("ws-test 1.0 (commit abcdef123456)", new BuildInfo("1.0", "abcdef123456").versionLine("ws-test"));
    }
}
