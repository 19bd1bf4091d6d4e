package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code vmledger coredumps} usage errors, found before any broker is contacted. */
class CoredumpsCommandTest {
    @Test
    void withoutOutItIsAUsageError() {
        CliRun r = CliRun.of("coredumps");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--out"), r.err());
    }
}
