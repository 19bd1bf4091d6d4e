package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmledger engine} refuses bad options before it starts anything (no broker, no data
 * directory).
 */
class EngineCommandTest {
    @TempDir Path dir;

    @Test
    void badOptionsAreRefusedBeforeAnythingStarts() {
        String[][] cases = {
            {"--http", "127.0.0.1:99999", "--http must be HOST:PORT with a port up to 65535"},
            {"--http", "nohost", "--http must be HOST:PORT"},
            {"--store", "disk", "--store must be rocksdb or memory"},
            {"--guarantee", "at_least_once", "Unknown options: '--guarantee'"},
            {"--stall-timeout", "0s", "--stall-timeout must be positive"},
            {"--instances", "0", "must be >= 1"},
            {"--snapshot-every", "-1", "--snapshot-every must be >= 0"},
            {"--advertise", "engine-1", "--advertise must be HOST:PORT with a port 1-65535"},
            {"--advertise", "engine-1:0", "--advertise must be HOST:PORT with a port 1-65535"},
            {
                "--exit-after-feed",
                "--print-ledger",
                "--exit-after-feed needs --feed and --print-ledger"
            }
        };
        for (String[] c : cases) {
            CliRun r =
                    CliRun.of("engine", c[0], c[1], "--data-dir", dir.resolve("never").toString());
            assertEquals(2, r.exit(), String.join(" ", c));
            assertTrue(r.err().contains(c[2]), r.err());
        }
        assertTrue(!Files.exists(dir.resolve("never")), "nothing started");
    }
}
