package io.vmledger.tools.coredump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.schema.Coredump;
import io.vmledger.schema.CoredumpBo;
import io.vmledger.schema.CoredumpMatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The devcoredump text of three scenarios equals its golden file (reviewed by hand against
 * kernel-semantics §3.9): a write fault inside a read-only BO ({@code ==}), a use after unmap
 * ({@code >=} plus the unmap that caused it), and a hang (no fault sections). Each output also
 * reads back, with the reader that checks real dumps, into what the record says.
 *
 * <p>To regenerate after an intended format change: run with {@code -Dvmledger.golden.write=true}
 * and review the diff of {@code src/test/resources/coredump/*.devcore}.
 */
class DevcoredumpGoldenTest {
    @ParameterizedTest
    @MethodSource("io.vmledger.tools.coredump.Dumps#goldenScenarios")
    void theDumpEqualsItsGoldenFile(String scenario) throws Exception {
        List<String> trace =
                Arrays.stream(Dumps.resource(scenario + ".jsonl").split("\n"))
                        .filter(l -> !l.isBlank())
                        .toList();
        List<Coredump> dumps = Dumps.of(trace);
        assertEquals(1, dumps.size(), "one gpu_fault / gpu_hang, one dump");
        String text = DevcoredumpWriter.write(dumps.get(0));
        if (Boolean.getBoolean("vmledger.golden.write")) {
            Files.writeString(
                    Path.of("src/test/resources/coredump/" + scenario + ".devcore"),
                    text,
                    StandardCharsets.UTF_8);
        }
        assertEquals(Dumps.resource(scenario + ".devcore"), text);
        readsBack(dumps.get(0), text);
    }

    private static void readsBack(Coredump c, String text) throws Exception {
        Devcoredump d = DevcoredumpReader.read(text);
        assertEquals("msm", d.header().get("module"));
        assertEquals(DevcoredumpWriter.time(c.getTs()), d.header().get("time"));
        assertEquals(c.getBos().size(), d.bos().size());
        for (int i = 0; i < c.getBos().size(); i++) {
            CoredumpBo b = c.getBos().get(i);
            Devcoredump.Bo r = d.bos().get(i);
            assertEquals(
                    new Devcoredump.Bo(
                            b.getIova(),
                            b.getSize(),
                            b.getFlags(),
                            b.getName() == null ? "" : b.getName(),
                            false),
                    r);
        }
        if (c.getFault() == null) {
            assertNull(d.faultInfo());
            assertNull(d.pgtableFaultInfo());
            assertTrue(d.sections().containsKey("vmledger"));
        } else {
            assertEquals(
                    c.getFault().getIova(), Long.parseUnsignedLong(d.faultInfo().get("iova"), 16));
            assertEquals(d.faultInfo().get("ttbr0"), d.pgtableFaultInfo().get("ttbr0"));
            assertEquals(4, d.pgtableFaultInfo().get("ptes").split(" ").length);
            String mark = c.getAttribution().getMatch() == CoredumpMatch.contains ? "\t==" : "\t>=";
            assertTrue(d.sections().get("vmledger").stream().anyMatch(l -> l.endsWith(mark)), mark);
        }
        if (c.getVmLog() == null) {
            assertNull(d.vmLog());
        } else {
            assertEquals(c.getVmLog().size(), d.vmLog().size());
        }
    }
}
