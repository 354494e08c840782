package io.wildcloud.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layers of ws-node's main code, read from its sources ({@link PackageGraph}): no package
 * imports one that imports it back, however far round; the push core and the store contract hold
 * no Netty type; each layer reaches only down (ws-common -> edge -> sockjs -> push -> engine -> node).
 */
class PackageStructureTest {

    private static final Path MAIN = Path.of("src", "main", "java");
    private static final String ROOT = "io.wildcloud.ws";

    /** Packages that must not name a Netty type: the push core, the session store contract, the engine port. */
    private static final Set<String> NETTY_FREE = Set.of(ROOT + ".push", ROOT + ".sockjs.session", ROOT + ".engine",
            ROOT + ".engine.memory");

    /** Each layer, and the layers above it that it must not use. */
    private static final Map<String, List<String>> NOT_ABOVE = Map.of(
            ROOT + ".edge", List.of(ROOT + ".sockjs", ROOT + ".push", ROOT + ".engine", ROOT + ".node"),
            ROOT + ".sockjs", List.of(ROOT + ".push", ROOT + ".engine", ROOT + ".node"),
            ROOT + ".push", List.of(ROOT + ".engine", ROOT + ".node"),
            ROOT + ".engine", List.of(ROOT + ".node"));

    @Test
    void noPackageCycles() throws IOException {
        List<List<String>> cycles = PackageGraph.read(MAIN, ROOT).cycles();
        assertEquals(List.of(), cycles, "package cycles in ws-node's main code (each listed round)");
    }

    @Test
    void thePushCoreAndTheStoreContractNameNoNettyType() throws IOException {
        PackageGraph graph = PackageGraph.read(MAIN, ROOT);
        List<String> found = new ArrayList<>();
        for (String pkg : NETTY_FREE) {
            assertTrue(graph.packages().contains(pkg), "no package " + pkg + " any more: update NETTY_FREE");
            graph.externalUses(pkg, "io.netty").forEach(use -> found.add(pkg + ": " + use));
        }
        assertEquals(List.of(), found, "Netty types where none belong (Netty stays at the edge)");
    }

    @Test
    void layersReachOnlyDown() throws IOException {
        PackageGraph graph = PackageGraph.read(MAIN, ROOT);
        List<String> found = new ArrayList<>();
        NOT_ABOVE.forEach((layer, above) -> graph.edges().forEach((from, targets) -> {
            if (PackageGraph.within(from, layer)) {
                targets.stream().filter(to -> above.stream().anyMatch(up -> PackageGraph.within(to, up)))
                        .forEach(to -> found.add(from + " -> " + to));
            }
        }));
        assertEquals(List.of(), found, "imports from a lower layer into a higher one");
    }

    @Test
    void theScanSeesACycleAndANettyImport(@TempDir Path dir) throws IOException {
        write(dir, "a", "A", "import io.netty.channel.ChannelHandler;\nimport x.b.B;\n");
        write(dir, "b", "B", "/* x.d.D in a comment */\nclass Q { x.c.C c; String s = \"x.e.E\"; }\n");
        write(dir, "c", "C", "class R { x.a.A a; }\n");
        PackageGraph graph = PackageGraph.read(dir, "x");
        assertEquals(List.of(List.of("x.a", "x.b", "x.c")), graph.cycles());
        assertEquals(Set.of("x.c"), graph.edges().get("x.b"), "comments and strings are no use");
        assertEquals(List.of("io.netty.channel.ChannelHandler"), graph.externalUses("x.a", "io.netty"));
        assertEquals(List.of(), graph.externalUses("x.b", "io.netty"));
    }

    private static void write(Path root, String pkg, String name, String body) throws IOException {
        Path file = root.resolve("x").resolve(pkg).resolve(name + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "package x." + pkg + ";\n\n" + body + "\nclass " + name + " {}\n");
    }
}
