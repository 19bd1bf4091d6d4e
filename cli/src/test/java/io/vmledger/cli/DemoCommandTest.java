package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vmledger demo} without a broker: the report's note for a run too short in device time for
 * leak alerts, and a data directory that is not a demo's is refused and left as it was.
 */
class DemoCommandTest {
    @TempDir Path dir;

    @Test
    void aReportNotesARunShorterThanTheAlertThreshold() {
        String note = DemoCommand.shortRunNote(2_345_678, 5_000_000);
        assertEquals(
                "  note        the fleet ran 2.3 s of device time; leak alerts need at least --alert-after (5.0 s)"
                        + " of it: run longer (--duration), faster (--rate) or lower --alert-after",
                note);
        assertNull(DemoCommand.shortRunNote(5_000_000, 5_000_000));
        assertNull(DemoCommand.shortRunNote(90_000_000, 30_000_000));
        assertNotNull(DemoCommand.shortRunNote(0, 1));
    }

    @Test
    void aDirectoryThatIsNotADemosIsRefused() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("precious.txt"), "keep me");
        StringWriter err = new StringWriter();
        CommandLine cli = Vmledger.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("demo", "--data-dir", mine.toString());
        assertEquals(2, exit);
        assertTrue(err.toString().contains("not a vmledger demo directory"), err.toString());
        assertTrue(Files.exists(mine.resolve("precious.txt")));
    }
}
