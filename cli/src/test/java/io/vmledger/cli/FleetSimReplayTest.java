package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.InMemoryLedger;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.engine.codec.EventDecoder;
import io.vmledger.producer.sim.BugKind;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.GroundTruth;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.producer.sim.SimEvent;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fleet simulator against the real fold: its events replay with {@code ok} outcomes except
 * the labelled invalid ioctls (which fail with the labelled errno), the same seed gives the same
 * trace, and each injected bug is labelled and visible in the folded state.
 */
class FleetSimReplayTest {
    private static final long SECOND = 1_000_000L;

    private static SimConfig config(int devices, long events, long span, long seed, double bugRate, double invalidRate) {
        return new SimConfig(devices, events, span, seed, SimConfig.DEFAULT_START, bugRate, invalidRate);
    }

    /** The events of a run with their outcomes, folded over in-memory tables. */
    private record Folded(List<SimEvent> events, List<Outcome> outcomes, InMemoryLedger ledger) {
    }

    private static Folded fold(SimConfig config) {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        List<SimEvent> events = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        FleetSim sim = new FleetSim(config);
        while (sim.hasNext()) {
            SimEvent s = sim.next();
            VmEvent e = s.event();
            events.add(s);
            outcomes.add(ledger.apply(e.getDevice(), e.getSeq(), e.getTs(), EventDecoder.decode(e)));
        }
        return new Folded(events, outcomes, ledger);
    }

    private static List<String> lines(SimConfig config) {
        List<String> out = new ArrayList<>();
        new FleetSim(config).forEachRemaining(e -> out.add(TraceJson.format(e.event())));
        return out;
    }

    /** Every outcome is ok, except labelled invalid ioctls, which fail with their errno. */
    private static void assertOnlyLabelledErrors(Folded f, String what) {
        for (int i = 0; i < f.events().size(); i++) {
            GroundTruth t = f.events().get(i).truth();
            Outcome o = f.outcomes().get(i);
            if (t != null && t.kind() == BugKind.INVALID) {
                if (o.status() != Status.ERROR || !o.errno().name().equals(t.errno())) {
                    fail(what + ": invalid ioctl labelled " + t.errno() + " got " + o.status() + " " + o.errno()
                            + " at " + TraceJson.format(f.events().get(i).event()));
                }
            } else if (o.status() != Status.OK) {
                fail(what + ": " + o.status() + " " + o.errno() + " (" + o.reason() + ") at "
                        + TraceJson.format(f.events().get(i).event()));
            }
        }
    }

    @Test
    void sameSeedSameTraceAndAnotherSeedAnotherTrace() {
        List<String> a = lines(config(4, 20_000, 0, 7, 0.5, 0.01));
        assertEquals(a, lines(config(4, 20_000, 0, 7, 0.5, 0.01)));
        assertNotEquals(a, lines(config(4, 20_000, 0, 8, 0.5, 0.01)));
    }

    @Test
    void aDevicesStreamDoesNotDependOnTheOtherDevices() {
        List<String> small = lines(config(2, 0, 20 * SECOND, 3, 0.5, 0.01));
        List<String> large = lines(config(5, 0, 20 * SECOND, 3, 0.5, 0.01));
        List<String> dev1Small = small.stream().filter(l -> l.contains("\"dev-00001\"")).toList();
        List<String> dev1Large = large.stream().filter(l -> l.contains("\"dev-00001\"")).toList();
        assertTrue(dev1Small.size() > 500);
        assertEquals(dev1Small, dev1Large);
    }

    @Test
    void theFleetIsOrderedByTimeAndDevicesRunAtRealisticRates() {
        Folded f = fold(config(3, 0, 60 * SECOND, 11, 0, 0));
        long last = 0;
        Map<String, Long> perDevice = new HashMap<>();
        for (SimEvent s : f.events()) {
            assertTrue(s.event().getTs() >= last, "ts goes back at " + TraceJson.format(s.event()));
            last = s.event().getTs();
            perDevice.merge(s.event().getDevice(), 1L, Long::sum);
        }
        assertEquals(3, perDevice.size());
        perDevice.forEach((d, n) -> assertTrue(n >= 50 * 59 && n <= 200 * 60, d + " emitted " + n + " events in 60 s"));
    }

    @Test
    void aCleanFleetReplaysWithOnlyOkOutcomes() {
        Folded f = fold(config(6, 60_000, 0, 1, 0, 0));
        assertEquals(60_000, f.events().size());
        assertOnlyLabelledErrors(f, "clean fleet");
        assertTrue(f.events().stream().allMatch(e -> e.truth() == null));
    }

    @Test
    void everyInjectedBugIsLabelledAndVisibleInTheFoldedState() {
        Folded f = fold(config(3, 0, 120 * SECOND, 5, 1.0, 0));
        assertOnlyLabelledErrors(f, "buggy fleet");
        Map<BugKind, List<GroundTruth>> byKind = new EnumMap<>(BugKind.class);
        f.events().stream().filter(e -> e.truth() != null)
                .forEach(e -> byKind.computeIfAbsent(e.truth().kind(), k -> new ArrayList<>()).add(e.truth()));
        for (BugKind kind : BugKind.leaks()) {
            assertEquals(3, byKind.getOrDefault(kind, List.of()).size(), kind + " labels: " + byKind.get(kind));
        }
        Map<String, DeviceQueries> state = f.ledger().devices();
        for (GroundTruth t : byKind.get(BugKind.VMAP_LEAK)) {
            assertTrue(state.get(t.device()).bo(t.bo()).vmaps() > 0, "leaked vmap of " + t);
        }
        for (GroundTruth t : byKind.get(BugKind.PIN_LEAK)) {
            assertTrue(state.get(t.device()).bo(t.bo()).pins() > 0, "leaked pin of " + t);
        }
        for (GroundTruth t : byKind.get(BugKind.HANDLE_LEAK)) {
            BoRecord b = state.get(t.device()).bo(t.bo());
            assertTrue(b.alive() && b.handles() == 1 && b.vmas() == 0 && b.pins() == 0 && b.vmaps() == 0
                    && b.dmabuf() == null, "handle-only BO of " + t + ": " + b);
        }
        for (GroundTruth t : byKind.get(BugKind.MAPPING_ONLY_BO)) {
            BoRecord b = state.get(t.device()).bo(t.bo());
            assertTrue(b.alive() && b.handles() == 0 && b.dmabuf() == null && b.vmas() > 0, "mapping-only BO of " + t + ": " + b);
        }
        for (GroundTruth t : byKind.get(BugKind.PAGETABLE_BLOAT)) {
            VmView vm = state.get(t.device()).vms().stream().filter(v -> v.vm().vm() == t.vm()).findFirst().orElseThrow();
            assertTrue(vm.pagetable().l3() >= 96, "L3 tables of " + t + ": " + vm.pagetable());
        }
    }

    /** Seeded property: small fleets over many seeds, with bugs and invalid ioctls, replay with no unlabelled error. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void smallFleetsReplayWithOnlyLabelledErrors(long seed) {
        Folded f = fold(config(1 + (int) (seed % 3), 6_000, 0, seed, 0.5, 0.05));
        assertOnlyLabelledErrors(f, "seed " + seed);
        long invalid = f.events().stream().filter(e -> e.truth() != null && e.truth().kind() == BugKind.INVALID).count();
        long errors = f.outcomes().stream().filter(o -> o.status() == Status.ERROR).count();
        assertEquals(invalid, errors, "seed " + seed);
    }
}
