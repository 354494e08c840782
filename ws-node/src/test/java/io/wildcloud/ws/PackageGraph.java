package io.wildcloud.ws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which package of a source tree uses which, read from the sources: every qualified name in code
 * (imports, static imports and names written out in full), comments and string literals left out.
 * A name counts as a package's when its next segment starts with a capital (a type).
 */
final class PackageGraph {

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    private static final Pattern COMMENTS_AND_STRINGS =
            Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"(?:\\\\.|[^\"\\\\])*\"", Pattern.DOTALL);
    private static final Pattern QUALIFIED = Pattern.compile("\\b([a-z]\\w*(?:\\.[a-z]\\w*)+)\\.([A-Z]\\w*)");

    private final Set<String> packages = new TreeSet<>();
    private final Map<String, Set<String>> edges = new TreeMap<>();
    private final Map<String, Set<String>> external = new TreeMap<>();

    private PackageGraph() {
    }

    /** Reads every {@code .java} file under {@code sourceRoot}; packages under {@code root} are the graph. */
    static PackageGraph read(Path sourceRoot, String root) throws IOException {
        PackageGraph graph = new PackageGraph();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> graph.add(read(file), root));
        }
        return graph;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void add(String source, String root) {
        Matcher pkg = PACKAGE.matcher(source);
        if (!pkg.find()) {
            return;
        }
        String self = pkg.group(1);
        packages.add(self);
        edges.computeIfAbsent(self, p -> new TreeSet<>());
        Matcher use = QUALIFIED.matcher(COMMENTS_AND_STRINGS.matcher(source.substring(pkg.end())).replaceAll(" "));
        while (use.find()) {
            String target = use.group(1);
            if (within(target, root)) {
                if (!target.equals(self)) {
                    edges.get(self).add(target);
                }
            } else {
                external.computeIfAbsent(self, p -> new TreeSet<>()).add(target + "." + use.group(2));
            }
        }
    }

    /** Whether {@code pkg} is {@code parent} or below it. */
    static boolean within(String pkg, String parent) {
        return pkg.equals(parent) || pkg.startsWith(parent + ".");
    }

    Set<String> packages() {
        return packages;
    }

    /** Package to the packages of the graph it uses. */
    Map<String, Set<String>> edges() {
        return edges;
    }

    /** The types outside the graph that {@code pkg} uses whose names start with {@code prefix}. */
    List<String> externalUses(String pkg, String prefix) {
        return external.getOrDefault(pkg, Set.of()).stream().filter(type -> within(type, prefix)).toList();
    }

    /** Every group of packages that use one another round a cycle (strongly connected, two or more), sorted. */
    List<List<String>> cycles() {
        // Tarjan's algorithm (recursive: the graph has a few dozen packages).
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<List<String>> found = new ArrayList<>();
        for (String start : edges.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, index, low, stack, found);
            }
        }
        found.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return found;
    }

    private void connect(String node, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
            List<List<String>> found) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, index, low, stack, found);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (stack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            List<String> group = new ArrayList<>();
            String member;
            do {
                member = stack.pop();
                group.add(member);
            } while (!member.equals(node));
            if (group.size() > 1) {
                group.sort(String::compareTo);
                found.add(group);
            }
        }
    }
}
