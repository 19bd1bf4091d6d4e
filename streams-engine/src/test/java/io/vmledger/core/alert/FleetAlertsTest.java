package io.vmledger.core.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alert rules over a seeded fleet ({@link AlertFleet}, a stand-in for the fleet simulator):
 * every injected bug is caught by its rule on its device and subject, nothing else warns, and a
 * fleet without bugs raises no warning at all.
 *
 * <p>TODO(lead): after merging branch {@code sim}, run these two checks against the simulator's
 * own fleet and ground truth as well (same assertions: {@code truth.rule} on {@code truth.device}
 * with {@code truth.bo}, or {@code truth.vm} for pagetable_bloat).
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
            Alert hit = ledger.warnings().stream()
                    .filter(a -> a.rule() == t.rule() && a.device().equals(t.device()))
                    .filter(a -> t.rule() == AlertRule.PAGETABLE_BLOAT
                            ? Objects.equals(a.vm(), t.vm()) : Objects.equals(a.bo(), t.bo()))
                    .findFirst().orElse(null);
            assertTrue(hit != null, () -> "seed " + seed + ": " + t + " not detected; alerts " + ledger.alerts);
            assertTrue(hit.firstSeen() >= t.ts() && hit.raised() - t.ts() <= 31 * AlertThresholds.SECOND_US,
                    () -> "seed " + seed + ": " + t + " raised late or early: " + hit);
            unexplained.remove(hit);
        }
        assertEquals(List.of(), unexplained, "seed " + seed + ": warnings without an injected bug");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void aFleetWithoutBugsRaisesNoWarning(long seed) {
        AlertFleet fleet = new AlertFleet(seed, DEVICES, SECONDS, false);
        AlertingLedger ledger = run(fleet);
        assertEquals(List.of(), fleet.truths);
        assertEquals(List.of(), ledger.warnings(), "seed " + seed);
        assertTrue(ledger.alerts.stream().allMatch(a -> a.rule() == AlertRule.MAPPINGS_AT_CLOSE),
                ledger.alerts::toString);
    }
}
