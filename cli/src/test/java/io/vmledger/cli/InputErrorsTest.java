package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input is one line naming what and why, and exit 2, in every command, before any broker is
 * contacted or started: a missing file, a directory given as a file (or a file as a directory), a
 * Kafka host that does not resolve.
 */
class InputErrorsTest {
    /**
     * Nothing listens here: a command that got as far as Kafka would fail differently (and late).
     */
    private static final String NO_BROKER = "127.0.0.1:1";

    private static final String NO_HOST = "nosuchhost.invalid";

    @TempDir Path dir;

    @Test
    void aMissingFileIsNamedWithItsReason() {
        String missing = dir.resolve("missing.jsonl").toString();
        Path data = dir.resolve("data");
        assertRefused(
                "cannot read " + missing + ": no such file",
                "engine",
                "--feed",
                missing,
                "--print-ledger",
                "--exit-after-feed",
                "--broker-port",
                "0",
                "--http",
                "127.0.0.1:0",
                "--data-dir",
                data.toString());
        assertFalse(Files.exists(data), "the engine refused before it locked or started anything");
        assertRefused(
                "cannot read " + missing + ": no such file",
                "produce",
                "-i",
                missing,
                "--bootstrap",
                NO_BROKER);
        assertRefused("cannot read " + missing + ": no such file", "replay", "--input", missing);
    }

    @Test
    void aDirectoryGivenAsAFileIsADirectory() throws IOException {
        String traces = Files.createDirectories(dir.resolve("traces")).toString();
        assertRefused("cannot read " + traces + ": is a directory", "replay", "--input", traces);
        assertRefused(
                "cannot read " + traces + ": is a directory",
                "produce",
                "-i",
                traces,
                "--bootstrap",
                NO_BROKER);
        assertRefused(
                "cannot read " + traces + ": is a directory",
                "engine",
                "--feed",
                traces,
                "--print-ledger",
                "--exit-after-feed",
                "--broker-port",
                "0",
                "--http",
                "127.0.0.1:0",
                "--data-dir",
                dir.resolve("data").toString());
        assertRefused(
                "cannot write " + traces + ": is a directory",
                "simulate",
                "--events",
                "10",
                "--out",
                traces);
        assertRefused(
                "cannot write " + traces + ": is a directory",
                "produce",
                "-i",
                trace().toString(),
                "--checkpoint",
                traces,
                "--bootstrap",
                NO_BROKER);
    }

    @Test
    void aFileGivenAsADirectoryIsAFile() throws IOException {
        Path file = trace();
        assertRefused(
                "cannot use " + file + " as a directory: it is a file",
                "coredumps",
                "--out",
                file.toString(),
                "--bootstrap",
                NO_BROKER);
        assertRefused(
                "cannot use " + file + "/dumps as a directory: " + file + " is a file",
                "coredumps",
                "--out",
                file.resolve("dumps").toString(),
                "--bootstrap",
                NO_BROKER);
        assertRefused(
                "cannot use " + file + " as a directory: it is a file",
                "engine",
                "--data-dir",
                file.toString(),
                "--broker-port",
                "0",
                "--http",
                "127.0.0.1:0");
    }

    @Test
    void aKafkaHostThatDoesNotResolveIsOneLine() throws IOException {
        String bootstrap = NO_HOST + ":9092";
        String expected = "--bootstrap " + bootstrap + ": host '" + NO_HOST + "' does not resolve";
        String[][] commands = {
            {"produce", "-i", trace().toString()},
            {"coredumps", "--out", dir.resolve("dumps").toString()},
            {"alerts"},
            {"audit", "--device", "d"},
            {"simulate", "--events", "10", "--truth", dir.resolve("truth.jsonl").toString()},
            {"engine", "--http", "127.0.0.1:0", "--data-dir", dir.resolve("data").toString()}
        };
        for (String[] c : commands) {
            String[] args = new String[c.length + 2];
            System.arraycopy(c, 0, args, 0, c.length);
            args[c.length] = "--bootstrap";
            args[c.length + 1] = bootstrap;
            assertRefused(expected, args);
        }
        assertRefused(
                "--http: host '" + NO_HOST + "' does not resolve",
                "engine",
                "--http",
                NO_HOST + ":0",
                "--broker-port",
                "0",
                "--data-dir",
                dir.resolve("data").toString());
    }

    private static void assertRefused(String message, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    }

    private Path trace() throws IOException {
        return Files.writeString(
                dir.resolve("trace.jsonl"),
                "{\"device\":\"d\",\"seq\":1,\"ts\":1767225600000000,\"type\":\"file_open\",\"file\":1,\"vm_bind\":true}\n");
    }
}
