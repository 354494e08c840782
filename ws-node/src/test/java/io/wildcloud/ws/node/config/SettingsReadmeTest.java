package io.wildcloud.ws.node.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table ("Configuration") is the code's {@link NodeConfig#ALL_DEFINITIONS}, row
 * for row. The code is the source of truth: when they differ, the failure shows a diff and the table
 * to paste into the README.
 */
class SettingsReadmeTest {

    @Test
    void readmeTableIsTheSettingsDefinedInCode() {
        List<String> readme = ReadmeSettingsTable.lines();
        List<String> code = NodeConfig.ALL_DEFINITIONS.stream().map(SettingDefinition::markdownRow).toList();
        if (!readme.equals(code)) {
            throw new AssertionError("README.md's settings table (\"Configuration\") differs from the settings"
                    + " defined in code (NodeConfig.DEFINITIONS and the groups' DEFINITIONS, the source of truth)."
                    + "\nRows only in the README (-) and only in the code (+):\n" + diff(readme, code)
                    + "\nThe table as the code has it:\n" + ReadmeSettingsTable.HEADER + "\n" + ReadmeSettingsTable.RULE
                    + "\n" + String.join("\n", code) + "\n");
        }
    }

    @Test
    void diffShowsAChangedRowAsRemovedAndAdded() {
        String diff = diff(List.of("| `a` | 1 | x |", "| `b` | 2 | y |", "| `c` | 3 | z |"),
                List.of("| `a` | 1 | x |", "| `b` | 20 | y |", "| `c` | 3 | z |", "| `d` | 4 | w |"));
        assertEquals("- row 2: | `b` | 2 | y |\n+ row 2: | `b` | 20 | y |\n+ row 4: | `d` | 4 | w |\n", diff);
    }

    @Test
    void everyRowHasANameADefaultAndAMeaning() {
        List<ReadmeSettingsTable.Row> rows = ReadmeSettingsTable.rows();
        assertEquals(NodeConfig.SETTINGS.size(), rows.size());
        for (ReadmeSettingsTable.Row row : rows) {
            assertTrue(NodeConfig.SETTINGS.contains(row.name()), row.name());
            assertTrue(!row.defaultShown().isBlank() && !row.meaning().isBlank(), row.toString());
        }
    }

    /** A line diff by longest common subsequence: {@code -} lines only in {@code readme}, {@code +} only in {@code code}. */
    static String diff(List<String> readme, List<String> code) {
        int[][] common = new int[readme.size() + 1][code.size() + 1];
        for (int i = readme.size() - 1; i >= 0; i--) {
            for (int j = code.size() - 1; j >= 0; j--) {
                common[i][j] = readme.get(i).equals(code.get(j))
                        ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < readme.size() || j < code.size()) {
            if (i < readme.size() && j < code.size() && readme.get(i).equals(code.get(j))) {
                i++;
                j++;
            } else if (j == code.size() || (i < readme.size() && common[i + 1][j] >= common[i][j + 1])) {
                out.add("- row " + (i + 1) + ": " + readme.get(i++));
            } else {
                out.add("+ row " + (j + 1) + ": " + code.get(j++));
            }
        }
        return out.isEmpty() ? "" : String.join("\n", out) + "\n";
    }
}
