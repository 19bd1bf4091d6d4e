package io.vmledger.engine.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.alert.Alert;
import io.vmledger.core.alert.AlertRule;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.alert.AlertingLedger;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.producer.sim.BugKind;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.GroundTruth;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.producer.sim.SimEvent;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alert rules over the real fleet simulator: every injected leak in its ground truth whose
 * device runs on long enough afterwards is raised by the rule the truth names, on that device and
 * subject; nothing else warns; and a fleet simulated without bugs raises no warning.
 */
class SimulatedFleetAlertsTest {
    private static final int DEVICES = 4;

    /** About 150 s of device time per device at the simulator's nominal rate. */
    private static final long EVENTS = DEVICES * 110L * 150;

    /**
     * The default delay plus one sweep interval: a leak this old when its device stops must have
     * been raised.
     */
    private static final long DETECTABLE_AFTER_US =
            AlertThresholds.DEFAULT.afterUs() + 5 * AlertThresholds.SECOND_US;

    private record Run(AlertingLedger ledger, List<GroundTruth> truths, Map<String, Long> lastTs) {}

    private static Run run(long seed, double bugRate) {
        AlertingLedger ledger = new AlertingLedger(AlertThresholds.DEFAULT);
        List<GroundTruth> truths = new ArrayList<>();
        Map<String, Long> lastTs = new HashMap<>();
        FleetSim sim =
                new FleetSim(
                        new SimConfig(
                                DEVICES, EVENTS, 0, seed, SimConfig.DEFAULT_START, bugRate, 0));
        while (sim.hasNext()) {
            SimEvent s = sim.next();
            VmEvent e = s.event();
            Outcome o = ledger.apply(e.getDevice(), e.getSeq(), e.getTs(), EventDecoder.decode(e));
            assertEquals(
                    Status.OK, o.status(), () -> "simulated events are valid: " + e + " -> " + o);
            lastTs.put(e.getDevice(), e.getTs());
            if (s.truth() != null) {
                truths.add(s.truth());
            }
        }
        return new Run(ledger, truths, lastTs);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void everyInjectedLeakIsRaisedByItsRuleAndNothingElseWarns(long seed) {
        Run run = run(seed, 1.0);
        List<Alert> unexplained = new ArrayList<>(run.ledger().warnings());
        int checked = 0;
        for (GroundTruth t : run.truths()) {
            if (t.kind() == BugKind.INVALID
                    || run.lastTs().get(t.device()) - t.ts() < DETECTABLE_AFTER_US) {
                continue;
            }
            AlertRule rule = AlertRule.valueOf(t.kind().rule().toUpperCase(Locale.ROOT));
            Alert hit =
                    run.ledger().warnings().stream()
                            .filter(a -> a.rule() == rule && a.device().equals(t.device()))
                            .filter(
                                    a ->
                                            rule == AlertRule.PAGETABLE_BLOAT
                                                    ? Objects.equals(a.vm(), t.vm())
                                                    : Objects.equals(a.bo(), t.bo()))
                            .findFirst()
                            .orElse(null);
            assertTrue(
                    hit != null,
                    () ->
                            "seed "
                                    + seed
                                    + ": "
                                    + t.toJson()
                                    + " not raised; warnings "
                                    + run.ledger().warnings());
            unexplained.remove(hit);
            checked++;
        }
        assertTrue(
                checked >= DEVICES * 4,
                "most injected leaks are detectable: " + checked + " of " + run.truths().size());
        assertEquals(List.of(), unexplained, "seed " + seed + ": warnings without an injected bug");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void aFleetWithoutBugsRaisesNoWarning(long seed) {
        Run run = run(seed, 0);
        assertEquals(List.of(), run.truths());
        assertEquals(List.of(), run.ledger().warnings(), "seed " + seed);
    }
}
