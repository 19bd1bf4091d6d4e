package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@code vmledger --help}, {@code vmledger COMMAND --help} and {@code --version} print: the
 * project version of the build, whole first sentences in the command list (picocli lists a command
 * by the first line of its header, else of its description), and option labels that are words
 * rather than Java field names.
 */
class HelpTextTest {
    @Test
    void versionIsTheProjectVersionOfTheBuild() throws Exception {
        Matcher parent =
                Pattern.compile("(?s)<parent>.*?<version>([^<]+)</version>")
                        .matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(parent.find(), "cli/pom.xml names its parent's version");
        for (String flag : List.of("--version", "-V")) {
            CliRun r = CliRun.of(flag);
            assertEquals(0, r.exit(), r.err());
            assertEquals("vmledger " + parent.group(1), r.out().trim());
        }
    }

    @Test
    void theCommandListShowsEachCommandsWholeFirstSentence() {
        CommandLine root = Vmledger.commandLine();
        String list = collapse(CliRun.of("--help").out());
        assertFalse(root.getSubcommands().isEmpty());
        root.getSubcommands()
                .forEach(
                        (name, sub) -> {
                            CommandLine.Model.UsageMessageSpec usage =
                                    sub.getCommandSpec().usageMessage();
                            String first =
                                    usage.header().length > 0
                                            ? usage.header()[0]
                                            : usage.description()[0];
                            assertTrue(
                                    first.endsWith("."),
                                    name + "'s first description line is not a sentence: " + first);
                            assertTrue(
                                    list.contains(name + " " + collapse(first)),
                                    name + " in the list: " + list);
                        });
    }

    @Test
    void optionLabelsAreWordsNotFieldNames() {
        Pattern fieldName = Pattern.compile("<[a-z][A-Za-z0-9]*>");
        List<String> helps = new ArrayList<>();
        helps.add(CliRun.of("--help").out());
        Vmledger.commandLine()
                .getSubcommands()
                .keySet()
                .forEach(name -> helps.add(CliRun.of(name, "--help").out()));
        assertTrue(helps.size() > 8, "every command's help: " + helps.size());
        for (String help : helps) {
            assertFalse(help.isBlank());
            Matcher m = fieldName.matcher(help);
            assertFalse(m.find(), () -> "label " + m.group() + " in\n" + help);
        }
    }

    private static String collapse(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
