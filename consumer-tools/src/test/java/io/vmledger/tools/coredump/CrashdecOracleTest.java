package io.vmledger.tools.coredump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden dump, read as Mesa's crashdec reads it ({@link CrashdecOracle}): every bos entry
 * crashdec marks is listed by the {@code vmledger:} section with the same marker, and nothing else
 * is; a dump of a trace with {@code device_info} carries a {@code revision:} crashdec turns into
 * the device's chip id.
 */
class CrashdecOracleTest {
    @ParameterizedTest
    @MethodSource("io.vmledger.tools.coredump.Dumps#goldenScenarios")
    void vmledgerListsWhatCrashdecMarks(String scenario) throws Exception {
        agrees(Dumps.resource(scenario + ".devcore"), scenario);
    }

    @Test
    void aRevisionLineGivesCrashdecTheDevicesChipId() throws Exception {
        CrashdecOracle.Reading a6xx = CrashdecOracle.read(Dumps.resource("legacy-submit.devcore"));
        assertNotNull(a6xx.revision());
        assertEquals(630, a6xx.revision()[0]);
        assertEquals(0x06030002L, CrashdecOracle.chipId(a6xx.revision()));
        CrashdecOracle.Reading a7xx = CrashdecOracle.read(Dumps.resource("null-mapping.devcore"));
        assertEquals(0x43050a01L, CrashdecOracle.chipId(a7xx.revision()));
    }

    @Test
    void theOracleReadsSizesAsCrashdecDoesIn32Bits() {
        assertEquals(0x1000L, CrashdecOracle.u32("4096"));
        assertEquals(0L, CrashdecOracle.u32("4294967296"));
        assertEquals(0x1000L, CrashdecOracle.u32("4294971392"));
        assertEquals(0xffff_ffffL, CrashdecOracle.u32("99999999999999999999999"));
        String dump =
                "fault-info:\n  - iova=0000000100001000\nbos:\n  - iova: 0x0000000100000000\n"
                        + "    size: 4294971392\n";
        assertEquals(
                List.of(new CrashdecOracle.Mark(0x100000000L, 0x100001000L, ">=")),
                CrashdecOracle.read(dump).marks(),
                "a 4 GiB + 4 KiB bo is read as 4 KiB: the fault inside it is marked near");
    }

    /**
     * Checks one dump: every mark crashdec makes is in the vmledger section with the same marker
     * and end, and the section lists no other. Only valid for bos below 4 GiB, which crashdec
     * misreads (the caller's dumps have none).
     */
    static void agrees(String dump, String where) {
        List<CrashdecOracle.Mark> crashdec = CrashdecOracle.read(dump).marks();
        List<CrashdecOracle.Mark> vmledger = CrashdecOracle.vmledgerMarks(dump);
        assertEquals(
                new HashSet<>(crashdec),
                new HashSet<>(vmledger),
                where + ": crashdec marks " + crashdec + ", vmledger lists " + vmledger);
        assertEquals(crashdec.size(), vmledger.size(), where + ": each once");
        assertTrue(dump.contains("\nvmledger:\n"), where + ": the dump has a vmledger section");
    }
}
