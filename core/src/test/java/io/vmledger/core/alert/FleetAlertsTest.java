package io.vmledger.core.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alert rules over a seeded fleet ({@link AlertFleet}, a stand-in for the fleet simulator):
 * every injected bug is caught by its rule on its device and subject, nothing else warns, and a
 * fleet without bugs raises no warning at all.
 *
 * <p>The same checks over the real fleet simulator and its ground truth are {@code
 * io.vmledger.engine.alert.SimulatedFleetAlertsTest} in streams-engine (core cannot see the
 * producer's simulator).
 */
class FleetAlertsTest {
    private static final int DEVICES = 3;
    private static final long SECONDS = 90;

    private static AlertingLedger run(AlertFleet fleet) {
        AlertingLedger ledger = new AlertingLedger(AlertThresholds.DEFAULT);
        for (AlertFleet.Line l : fleet.lines) {
            Outcome o = ledger.apply(l.device(), l.seq(), l.ts(), l.event());
            assertEquals(Status.OK, o.status(), () -> "the workload is valid: " + l + " -> " + o);
        }
        return ledger;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void everyInjectedBugIsDetectedAndNothingElseWarns(long seed) {
        AlertFleet fleet = new AlertFleet(seed, DEVICES, SECONDS, true);
        AlertingLedger ledger = run(fleet);
        assertEquals(5 * DEVICES, fleet.truths.size());
        List<Alert> unexplained = new ArrayList<>(ledger.warnings());
        for (AlertFleet.Truth t : fleet.truths) {
            Alert hit =
                    ledger.warnings().stream()
                            .filter(a -> a.rule() == t.rule() && a.device().equals(t.device()))
                            .filter(
                                    a ->
                                            t.rule() == AlertRule.PAGETABLE_BLOAT
                                                    ? Objects.equals(a.vm(), t.vm())
                                                    : Objects.equals(a.bo(), t.bo()))
                            .findFirst()
                            .orElse(null);
            assertTrue(
                    hit != null,
                    () -> "seed " + seed + ": " + t + " not detected; alerts " + ledger.alerts);
            assertTrue(
                    hit.firstSeen() >= t.ts()
                            && hit.raised() - t.ts() <= 31 * AlertThresholds.SECOND_US,
                    () -> "seed " + seed + ": " + t + " raised late or early: " + hit);
            unexplained.remove(hit);
        }
        assertEquals(List.of(), unexplained, "seed " + seed + ": warnings without an injected bug");
    }

    /**
     * The per-event maintenance is complete: at checkpoints through a run, the watch table holds
     * exactly the (rule, subject) pairs whose condition holds when evaluated over every BO and VM.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {5, 6})
    void theWatchHoldsExactlyTheSubjectsWhoseConditionHolds(long seed) {
        AlertFleet fleet = new AlertFleet(seed, 2, 60, true);
        AlertingLedger ledger = new AlertingLedger(AlertThresholds.DEFAULT);
        int n = 0;
        for (AlertFleet.Line l : fleet.lines) {
            ledger.apply(l.device(), l.seq(), l.ts(), l.event());
            if (++n % 997 == 0 || n == fleet.lines.size()) {
                for (String device : ledger.ledger.devices().keySet()) {
                    assertEquals(
                            fullScan(ledger, device),
                            watched(ledger, device),
                            "seed " + seed + " event " + n);
                }
            }
        }
    }

    private static Set<List<Long>> fullScan(AlertingLedger ledger, String device) {
        DeviceTables tables = ledger.ledger.tables(device);
        DeviceQueries q = ledger.ledger.devices().get(device);
        Set<List<Long>> out = new TreeSet<>(Comparator.comparing(Object::toString));
        for (BoRecord b : q.bos()) {
            for (AlertRule rule : AlertRule.values()) {
                if (rule.aboutBo() && AlertEvaluator.holds(rule, b, tables)) {
                    out.add(List.of((long) rule.code(), b.bo()));
                }
            }
        }
        for (VmView vm : q.vmsWithoutVas()) {
            if (ledger.evaluator.bloated(vm.vm().vm(), tables)) {
                out.add(List.of((long) AlertRule.PAGETABLE_BLOAT.code(), vm.vm().vm()));
            }
        }
        return out;
    }

    private static Set<List<Long>> watched(AlertingLedger ledger, String device) {
        Set<List<Long>> out = new TreeSet<>(Comparator.comparing(Object::toString));
        try (Cursor<Watch> c =
                ledger.alertTables(device)
                        .watch()
                        .range(CompositeKey.of(0), CompositeKey.lastOf(-1L))) {
            while (c.hasNext()) {
                CompositeKey k = c.next().getKey();
                out.add(
                        List.of(
                                (long) AlertTables.watchRule(k).code(),
                                AlertTables.watchSubject(k)));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void aFleetWithoutBugsRaisesNoWarning(long seed) {
        AlertFleet fleet = new AlertFleet(seed, DEVICES, SECONDS, false);
        AlertingLedger ledger = run(fleet);
        assertEquals(List.of(), fleet.truths);
        assertEquals(List.of(), ledger.warnings(), "seed " + seed);
        assertTrue(
                ledger.alerts.stream().allMatch(a -> a.rule() == AlertRule.MAPPINGS_AT_CLOSE),
                ledger.alerts::toString);
    }
}
