package io.vmledger.tools.coredump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.json.TraceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dumps of a simulated fleet, read as Mesa's crashdec reads them ({@link CrashdecOracle}):
 * every bos entry crashdec marks is listed by the {@code vmledger:} section with the same marker,
 * every dump identifies its GPU (an Adreno 630 or 740), and a legacy fault naming its submit lists
 * that submit's table with the command stream first.
 */
class SimulatedDumpsCrashdecTest {
    private static final Set<Long> CHIPS = Set.of(0x06030002L, 0x43050a01L);

    @Test
    void vmledgerListsWhatCrashdecMarksInEverySimulatedDump() throws Exception {
        List<String> lines = new ArrayList<>();
        new FleetSim(new SimConfig(4, 60_000, 0, 11, SimConfig.DEFAULT_START, 1.0, 0.01))
                .forEachRemaining(e -> lines.add(TraceJson.format(e.event())));
        List<Coredump> dumps = Dumps.of(lines);
        assertTrue(dumps.size() >= 20, "enough dumps to mean something: " + dumps.size());
        int marked = 0;
        int fromSubmit = 0;
        for (Coredump c : dumps) {
            String text = DevcoredumpWriter.write(c);
            String where = DevcoredumpWriter.fileName(c);
            CrashdecOracleTest.agrees(text, where);
            CrashdecOracle.Reading r = CrashdecOracle.read(text);
            assertNotNull(r.revision(), where + ": crashdec identifies the GPU");
            assertTrue(CHIPS.contains(CrashdecOracle.chipId(r.revision())), where);
            marked += r.marks().size();
            if ("submit".equals(c.getBosSource())) {
                fromSubmit++;
                assertEquals("glcmdstream", c.getBos().get(0).getName(), where);
            }
            assertNotNull(
                    c.getSubmit(), where + ": the simulator's faults and hangs name a submit");
        }
        assertTrue(marked > 0, "some dumps have marks");
        assertTrue(fromSubmit > 0, "some legacy dumps list their submit's table");
    }
}
