package io.vmledger.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.OpResult;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.PtOp;
import io.vmledger.core.fold.Status;
import io.vmledger.core.gpuvm.SplitStep;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.producer.sim.BugKind;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.GroundTruth;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.producer.sim.SimEvent;
import io.vmledger.schema.DmabufExport;
import io.vmledger.schema.DmabufImport;
import io.vmledger.schema.DmabufRelease;
import io.vmledger.schema.FbCleanup;
import io.vmledger.schema.FbPrepare;
import io.vmledger.schema.FileClose;
import io.vmledger.schema.Submit;
import io.vmledger.schema.SubmitBo;
import io.vmledger.schema.SubmitRetired;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.json.TraceJson;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fleet simulator against the real fold: its events replay with {@code ok} outcomes except the
 * labelled invalid ioctls (which fail with the labelled errno), the same seed gives the same trace,
 * and each injected bug is labelled and visible in the folded state.
 */
class FleetSimReplayTest {
    private static final long SECOND = 1_000_000L;

    private static SimConfig config(
            int devices, long events, long span, long seed, double bugRate, double invalidRate) {
        return new SimConfig(
                devices, events, span, seed, SimConfig.DEFAULT_START, bugRate, invalidRate);
    }

    /** The events of a run with their outcomes, folded over in-memory tables. */
    private record Folded(List<SimEvent> events, List<Outcome> outcomes, InMemoryLedger ledger) {}

    private static Folded fold(SimConfig config) {
        return fold(config, null);
    }

    /** Folds the run; with a watch, the watch sees every event with its outcome. */
    private static Folded fold(SimConfig config, StateWatch watch) {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        List<SimEvent> events = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        FleetSim sim = new FleetSim(config);
        long last = 0;
        while (sim.hasNext()) {
            SimEvent s = sim.next();
            VmEvent e = s.event();
            events.add(s);
            Outcome o =
                    ledger.apply(e.getDevice(), e.getSeq(), e.getTs(), EventDecoder.decode(e))
                            .outcome();
            outcomes.add(o);
            if (watch != null) {
                watch.after(e, o, ledger);
            }
            last = e.getTs();
        }
        if (watch != null) {
            watch.end(last);
        }
        return new Folded(events, outcomes, ledger);
    }

    /** The lingering BO states the leak alerts look for. */
    private enum Held {
        PINNED,
        VMAPPED,
        HANDLES_ONLY,
        MAPPINGS_ONLY
    }

    /**
     * For every BO, the longest stretch of device time it was continuously pinned, vmapped, held
     * only by handles, or held only by mappings. After each event it re-reads the BOs the event
     * names or whose VAs, VMAs or life the outcome mentions (a fb's planes and a dma-buf's BO are
     * remembered from earlier events, and so is a submit's BO table until it retires), so stretches
     * are exact, not sampled.
     */
    private static final class StateWatch {
        private final Map<String, Long> since = new HashMap<>();
        private final Map<String, Long> longest = new HashMap<>();
        private final Map<String, List<Long>> fbPlanes = new HashMap<>();
        private final Map<String, Long> dmabufBo = new HashMap<>();
        private final Map<String, List<Long>> submitBos = new HashMap<>();

        void after(VmEvent e, Outcome o, InMemoryLedger ledger) {
            String device = e.getDevice();
            Set<Long> touched = new HashSet<>();
            IndexedRecord p = (IndexedRecord) e.getPayload();
            Schema.Field bo = p.getSchema().getField("bo");
            if (bo != null && p.get(bo.pos()) != null) {
                touched.add((Long) p.get(bo.pos()));
            }
            if (p instanceof FbPrepare f) {
                fbPlanes.put(device + "/" + f.getFb(), f.getBos());
            }
            if (p instanceof FbPrepare || p instanceof FbCleanup) {
                touched.addAll(fbPlanes.getOrDefault(device + "/" + p.get(0), List.of()));
            }
            if (p instanceof DmabufExport x) {
                dmabufBo.put(device + "/" + x.getDmabuf(), x.getBo());
            }
            if (p instanceof Submit x) {
                List<Long> bos = x.getBos().stream().map(SubmitBo::getBo).toList();
                submitBos.put(
                        device + "/" + x.getFile() + "/" + x.getQueue() + "/" + x.getSubmit(), bos);
                touched.addAll(bos);
            }
            if (p instanceof SubmitRetired x) {
                List<Long> bos =
                        submitBos.remove(
                                device
                                        + "/"
                                        + x.getFile()
                                        + "/"
                                        + x.getQueue()
                                        + "/"
                                        + x.getSubmit());
                touched.addAll(bos == null ? List.of() : bos);
            }
            if (p instanceof FileClose x) {
                String prefix = device + "/" + x.getFile() + "/";
                submitBos.keySet().stream()
                        .filter(k -> k.startsWith(prefix))
                        .toList()
                        .forEach(k -> touched.addAll(submitBos.remove(k)));
            }
            if (p instanceof DmabufImport || p instanceof DmabufRelease) {
                Schema.Field dmabuf = p.getSchema().getField("dmabuf");
                Long b = dmabufBo.get(device + "/" + p.get(dmabuf.pos()));
                if (b != null) {
                    touched.add(b);
                }
            }
            o.effects().stream().map(Effect::bo).filter(b -> b != null).forEach(touched::add);
            if (o.ops() != null) {
                for (OpResult r : o.ops()) {
                    r.pt().stream().map(PtOp::bo).filter(b -> b != null).forEach(touched::add);
                    for (SplitStep step : r.steps()) {
                        if (step instanceof SplitStep.Unmap u && u.va().bo() != null) {
                            touched.add(u.va().bo());
                        } else if (step instanceof SplitStep.Remap rm && rm.unmap().bo() != null) {
                            touched.add(rm.unmap().bo());
                        }
                    }
                }
            }
            DeviceQueries q = new DeviceQueries(ledger.tables(device), FoldConfig.DEFAULT);
            for (long b : touched) {
                BoRecord r = q.bo(b);
                List<Held> now = r == null || !r.alive() ? List.of() : held(r);
                for (Held h : Held.values()) {
                    String k = key(device, b, h);
                    Long from = since.get(k);
                    if (now.contains(h) && from == null) {
                        since.put(k, e.getTs());
                    } else if (!now.contains(h) && from != null) {
                        longest.merge(k, e.getTs() - from, Math::max);
                        since.remove(k);
                    }
                }
            }
        }

        /** Closes the stretches still open at the end of the run. */
        void end(long ts) {
            since.forEach((k, from) -> longest.merge(k, ts - from, Math::max));
            since.clear();
        }

        private static List<Held> held(BoRecord b) {
            List<Held> out = new ArrayList<>();
            if (b.pins() > 0) {
                out.add(Held.PINNED);
            }
            if (b.vmaps() > 0) {
                out.add(Held.VMAPPED);
            }
            boolean otherwiseFree = b.pins() == 0 && b.vmaps() == 0 && b.dmabuf() == null;
            if (otherwiseFree && b.handles() > 0 && b.vmas() == 0) {
                out.add(Held.HANDLES_ONLY);
            }
            if (otherwiseFree && b.handles() == 0 && b.vmas() > 0) {
                out.add(Held.MAPPINGS_ONLY);
            }
            return out;
        }

        private static String key(String device, long bo, Held h) {
            return device + "/" + bo + "/" + h;
        }

        long longest(String device, long bo, Held h) {
            return longest.getOrDefault(key(device, bo, h), 0L);
        }

        /** The longest stretch of {@code h} over all BOs, with the BO. */
        Map.Entry<String, Long> longest(Held h) {
            return longest.entrySet().stream()
                    .filter(e -> e.getKey().endsWith("/" + h))
                    .max(Map.Entry.comparingByValue())
                    .orElse(Map.entry("none", 0L));
        }
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
                    fail(
                            what
                                    + ": invalid ioctl labelled "
                                    + t.errno()
                                    + " got "
                                    + o.status()
                                    + " "
                                    + o.errno()
                                    + " at "
                                    + TraceJson.format(f.events().get(i).event()));
                }
            } else if (o.status() != Status.OK) {
                fail(
                        what
                                + ": "
                                + o.status()
                                + " "
                                + o.errno()
                                + " ("
                                + o.reason()
                                + ") at "
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
        perDevice.forEach(
                (d, n) ->
                        assertTrue(
                                n >= 50 * 59 && n <= 200 * 60,
                                d + " emitted " + n + " events in 60 s"));
    }

    @Test
    void aCleanFleetReplaysWithOnlyOkOutcomes() {
        Folded f = fold(config(6, 60_000, 0, 1, 0, 0));
        assertEquals(60_000, f.events().size());
        assertOnlyLabelledErrors(f, "clean fleet");
        assertTrue(f.events().stream().allMatch(e -> e.truth() == null));
    }

    @Test
    void aCleanFleetHoldsNoBoInALeakyStateForLong() {
        StateWatch watch = new StateWatch();
        assertOnlyLabelledErrors(fold(config(3, 0, 150 * SECOND, 21, 0, 0), watch), "clean fleet");
        Map<Held, Long> limits =
                Map.of(
                        Held.PINNED,
                        6 * SECOND,
                        Held.VMAPPED,
                        SECOND / 10,
                        Held.HANDLES_ONLY,
                        2 * SECOND,
                        Held.MAPPINGS_ONLY,
                        SECOND / 10);
        limits.forEach(
                (held, limit) ->
                        assertTrue(
                                watch.longest(held).getValue() <= limit,
                                held + " for too long: " + watch.longest(held)));
    }

    @Test
    void everyInjectedBugIsLabelledAndVisibleInTheFoldedState() {
        StateWatch watch = new StateWatch();
        Folded f = fold(config(3, 0, 120 * SECOND, 5, 1.0, 0), watch);
        assertOnlyLabelledErrors(f, "buggy fleet");
        Map<BugKind, List<GroundTruth>> byKind = new EnumMap<>(BugKind.class);
        f.events().stream()
                .filter(e -> e.truth() != null)
                .forEach(
                        e ->
                                byKind.computeIfAbsent(e.truth().kind(), k -> new ArrayList<>())
                                        .add(e.truth()));
        for (BugKind kind : BugKind.leaks()) {
            assertEquals(
                    3,
                    byKind.getOrDefault(kind, List.of()).size(),
                    kind + " labels: " + byKind.get(kind));
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
            assertTrue(
                    b.alive()
                            && b.handles() == 1
                            && b.vmas() == 0
                            && b.pins() == 0
                            && b.vmaps() == 0
                            && b.dmabuf() == null,
                    "handle-only BO of " + t + ": " + b);
        }
        for (GroundTruth t : byKind.get(BugKind.MAPPING_ONLY_BO)) {
            BoRecord b = state.get(t.device()).bo(t.bo());
            assertTrue(
                    b.alive() && b.handles() == 0 && b.dmabuf() == null && b.vmas() > 0,
                    "mapping-only BO of " + t + ": " + b);
        }
        Map<BugKind, Held> lingering =
                Map.of(
                        BugKind.VMAP_LEAK,
                        Held.VMAPPED,
                        BugKind.PIN_LEAK,
                        Held.PINNED,
                        BugKind.HANDLE_LEAK,
                        Held.HANDLES_ONLY,
                        BugKind.MAPPING_ONLY_BO,
                        Held.MAPPINGS_ONLY);
        lingering.forEach(
                (kind, held) ->
                        byKind.get(kind)
                                .forEach(
                                        t ->
                                                assertTrue(
                                                        watch.longest(t.device(), t.bo(), held)
                                                                >= 60 * SECOND,
                                                        "detectable for 60 s: " + t)));
        for (GroundTruth t : byKind.get(BugKind.PAGETABLE_BLOAT)) {
            VmView vm =
                    state.get(t.device()).vms().stream()
                            .filter(v -> v.vm().vm() == t.vm())
                            .findFirst()
                            .orElseThrow();
            assertTrue(vm.pagetable().l3() >= 96, "L3 tables of " + t + ": " + vm.pagetable());
        }
    }

    /**
     * Seeded property: small fleets over many seeds, with bugs and invalid ioctls, replay with no
     * unlabelled error.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
    void smallFleetsReplayWithOnlyLabelledErrors(long seed) {
        Folded f = fold(config(1 + (int) (seed % 3), 6_000, 0, seed, 0.5, 0.05));
        assertOnlyLabelledErrors(f, "seed " + seed);
        long invalid =
                f.events().stream()
                        .filter(e -> e.truth() != null && e.truth().kind() == BugKind.INVALID)
                        .count();
        long errors = f.outcomes().stream().filter(o -> o.status() == Status.ERROR).count();
        assertEquals(invalid, errors, "seed " + seed);
    }
}
