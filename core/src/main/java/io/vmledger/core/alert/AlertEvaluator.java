package io.vmledger.core.alert;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.EventSubjects;
import io.vmledger.core.event.Madv;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.OpResult;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.gpuvm.SplitStep;
import io.vmledger.core.msm.DeviceModel;
import io.vmledger.core.msm.VmLog;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.FbRecord;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.SubmitRecord;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The alert rules ({@link AlertRule}) over one device's state, in three calls the engine (or a
 * test) makes around the fold:
 *
 * <ol>
 *   <li>{@link #touched} before the fold: the BOs and VMs the event may change, read while the
 *       tables still know them (a released dma-buf's BO, a closing file's handles and VMAs);
 *   <li>{@link #afterFold}: re-evaluates the lifetime conditions of those subjects only, keeping
 *       {@link AlertTables#watch()} equal to "subjects whose condition holds now, since when",
 *       updates the device's mapped bytes, and returns the alerts the event itself raises ({@link
 *       AlertRule#MAPPINGS_AT_CLOSE}, {@link AlertRule#MAPPED_GROWTH});
 *   <li>{@link #sweep} from time to time: raises every watched condition that has held for {@link
 *       AlertThresholds#afterUs()} of the device's own latest event time, once.
 * </ol>
 *
 * All time is event time, per device: devices' clocks are independent.
 */
public final class AlertEvaluator {
    /** Bytes of one populated PTE (§5.1: VM_BIND maps 4 KiB pages). */
    static final long PAGE = PageTableStats.PAGE;

    private static final CompositeKey DEVICE_KEY = CompositeKey.of(0);
    private static final int TABLE_ENTRIES = 512;

    private final AlertThresholds thresholds;

    public AlertEvaluator(AlertThresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    /**
     * The BOs and VMs {@code event} may change, read before it is folded into {@code tables}: the
     * BOs it names ({@link EventSubjects}) and what only the state knows ({@link BeforeFold}).
     */
    public Touched touched(Event event, DeviceTables tables) {
        Touched t = Touched.empty();
        EventSubjects.of(event).bos().forEach(t::bo);
        event.accept(new BeforeFold(tables, t));
        return t;
    }

    /**
     * The subjects of an event that only the state knows before the fold (a dma-buf's BO, a
     * framebuffer's BOs, a closing file's handles and VMAs), and the VMs whose mappings the event
     * may change.
     */
    private static final class BeforeFold implements Event.Visitor<Void> {
        private final DeviceTables tables;
        private final Touched t;

        BeforeFold(DeviceTables tables, Touched t) {
            this.tables = tables;
            this.t = t;
        }

        @Override
        public Void fileOpen(Event.FileOpen e) {
            return null;
        }

        @Override
        public Void fileClose(Event.FileClose e) {
            closing(e.file(), tables, t);
            return null;
        }

        @Override
        public Void kmsVm(Event.KmsVm e) {
            return null;
        }

        @Override
        public Void submitqueueNew(Event.SubmitqueueNew e) {
            return null;
        }

        @Override
        public Void submitqueueClose(Event.SubmitqueueClose e) {
            return null;
        }

        @Override
        public Void boNew(Event.BoNew e) {
            return null;
        }

        @Override
        public Void handleOpen(Event.HandleOpen e) {
            return null;
        }

        @Override
        public Void handleClose(Event.HandleClose e) {
            t.vm(e.file());
            return null;
        }

        @Override
        public Void setName(Event.SetName e) {
            return null;
        }

        @Override
        public Void madvise(Event.Madvise e) {
            return null;
        }

        @Override
        public Void dmabufExport(Event.DmabufExport e) {
            return null;
        }

        @Override
        public Void dmabufImport(Event.DmabufImport e) {
            t.bo(tables.dmabufs().get(CompositeKey.of(e.dmabuf())));
            return null;
        }

        @Override
        public Void dmabufRelease(Event.DmabufRelease e) {
            t.bo(tables.dmabufs().get(CompositeKey.of(e.dmabuf())));
            return null;
        }

        @Override
        public Void vmap(Event.Vmap e) {
            return null;
        }

        @Override
        public Void vunmap(Event.Vunmap e) {
            return null;
        }

        @Override
        public Void getIova(Event.GetIova e) {
            t.vm(e.file());
            return null;
        }

        @Override
        public Void fbPrepare(Event.FbPrepare e) {
            return null;
        }

        @Override
        public Void fbCleanup(Event.FbCleanup e) {
            FbRecord fb = tables.fbs().get(CompositeKey.of(e.fb()));
            if (fb != null) {
                fb.bos().forEach(t::bo);
            }
            return null;
        }

        @Override
        public Void vmBind(Event.VmBind e) {
            t.vm(e.file());
            return null;
        }

        @Override
        public Void gpuFault(Event.GpuFault e) {
            return null;
        }

        @Override
        public Void gpuHang(Event.GpuHang e) {
            return null;
        }

        @Override
        public Void deviceInfo(Event.DeviceInfo e) {
            return null;
        }

        @Override
        public Void submit(Event.Submit e) {
            t.vm(e.file());
            e.bos().forEach(b -> t.bo(b.bo()));
            return null;
        }

        @Override
        public Void submitRetired(Event.SubmitRetired e) {
            SubmitRecord s = tables.submits().get(CompositeKey.of(e.file(), e.queue(), e.submit()));
            if (s != null) {
                s.bos().forEach(b -> t.bo(b.bo()));
            }
            return null;
        }
    }

    /** A closing file's handles and the BOs of its VM's VMAs: the close drops all of them. */
    private static void closing(long file, DeviceTables tables, Touched t) {
        t.vm(file);
        try (Cursor<Integer> c =
                tables.handles().range(CompositeKey.of(file, 0), CompositeKey.lastOf(file))) {
            while (c.hasNext()) {
                t.bo(DeviceTables.handleBo(c.next().getKey()));
            }
        }
        try (Cursor<Vma> c =
                tables.vas().range(CompositeKey.of(file, 0), CompositeKey.lastOf(file))) {
            while (c.hasNext()) {
                t.bo(c.next().getValue().va().bo());
            }
        }
    }

    /**
     * After {@code outcome} of {@code event} was folded: updates the watches of the touched
     * subjects (plus those the outcome names) and the mapped bytes, and returns the alerts the
     * event raises by itself. Rejected and duplicate events change nothing and raise nothing.
     */
    public List<Alert> afterFold(
            Event event,
            Outcome outcome,
            Touched touched,
            DeviceTables tables,
            AlertTables alerts) {
        if (outcome.status() != Status.OK) {
            return List.of();
        }
        for (Effect e : outcome.effects()) {
            touched.bo(e.bo());
            touched.vm(e.vm());
        }
        if (outcome.ops() != null) {
            for (OpResult op : outcome.ops()) {
                for (SplitStep s : op.steps()) {
                    stepBos(s, touched);
                }
            }
        }
        if (event instanceof Event.FbPrepare || event instanceof Event.FbCleanup) {
            touched.vm(DeviceModel.KMS_VM);
        }
        Long fb = event instanceof Event.FbPrepare p ? p.fb() : null;
        for (long bo : touched.bos()) {
            BoRecord b = tables.bos().get(CompositeKey.of(bo));
            for (AlertRule rule : AlertRule.values()) {
                if (rule.aboutBo()) {
                    watch(
                            alerts,
                            rule,
                            bo,
                            holds(rule, b, tables),
                            outcome,
                            rule == AlertRule.PIN_LEAK ? fb : null);
                }
            }
        }
        List<Alert> raised = new ArrayList<>(1);
        long mappedDelta = 0;
        for (long vm : touched.vms()) {
            watch(alerts, AlertRule.PAGETABLE_BLOAT, vm, bloated(vm, tables), outcome, null);
            mappedDelta += recount(vm, tables, alerts);
        }
        if (event instanceof Event.FileClose e) {
            Alert a = mappingsAtClose(e.file(), outcome);
            if (a != null) {
                raised.add(a);
            }
        }
        Alert growth = growth(outcome, mappedDelta, alerts);
        if (growth != null) {
            raised.add(growth);
        }
        return raised;
    }

    private static void stepBos(SplitStep s, Touched t) {
        if (s instanceof SplitStep.Map m) {
            t.bo(m.va().bo());
        } else if (s instanceof SplitStep.Unmap u) {
            t.bo(u.va().bo());
        } else if (s instanceof SplitStep.Remap r) {
            t.bo(r.unmap().bo());
        }
    }

    /** Whether {@code rule} holds for BO {@code b} (null = never created). */
    static boolean holds(AlertRule rule, BoRecord b, DeviceTables tables) {
        if (b == null || !b.alive()) {
            return false;
        }
        return switch (rule) {
            case HANDLE_LEAK ->
                    b.handles() > 0
                            && b.dmabuf() == null
                            && b.vmas() == 0
                            && b.pins() == 0
                            && b.vmaps() == 0
                            && b.madv() == Madv.WILLNEED;
            case PIN_LEAK -> b.pins() > 0;
            case VMAP_LEAK -> b.vmaps() > 0;
            case BO_KEPT_BY_MAPPINGS ->
                    b.handles() == 0
                            && b.dmabuf() == null
                            && b.vmas() > 0
                            && b.pins() == 0
                            && b.vmaps() == 0;
            case DISPLAY_VMA_UNREFERENCED ->
                    b.vmaRef() == 0 && b.vmas() > 0 && hasDisplayVma(b.bo(), tables);
            default -> throw new IllegalArgumentException(rule + " is not a BO rule");
        };
    }

    private static boolean hasDisplayVma(long bo, DeviceTables tables) {
        return tables.boVas()
                        .ceiling(
                                CompositeKey.of(bo, DeviceModel.KMS_VM, 0),
                                CompositeKey.lastOf(bo, DeviceModel.KMS_VM))
                != null;
    }

    /**
     * Whether VM {@code vm}'s page tables are bloated: at least the minimum pages and above ratio ×
     * need.
     */
    boolean bloated(long vm, DeviceTables tables) {
        VmRecord r = tables.vms().get(CompositeKey.of(vm));
        PageTableStats s = tables.ptStats().get(CompositeKey.of(vm));
        if (r == null || r.closed() || s == null) {
            return false;
        }
        long pages = pages(s);
        return pages >= thresholds.pagetableMinPages()
                && pages > thresholds.pagetableRatio() * neededPages(s.ptes());
    }

    private static long pages(PageTableStats s) {
        return s.l1() + s.l2() + s.l3();
    }

    /**
     * The fewest table pages below the root that hold {@code ptes} populated PTEs (§5.1): packed
     * 512 to an L3 table, 512 L3 tables to an L2, 512 L2 to an L1.
     */
    static long neededPages(long ptes) {
        long l3 = ceilDiv(ptes, TABLE_ENTRIES);
        long l2 = ceilDiv(l3, TABLE_ENTRIES);
        long l1 = ceilDiv(l2, TABLE_ENTRIES);
        return Math.max(1, l1 + l2 + l3);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /**
     * Starts or ends the watch of {@code rule} on {@code subject}; a holding watch keeps its start.
     */
    private static void watch(
            AlertTables alerts,
            AlertRule rule,
            long subject,
            boolean holds,
            Outcome o,
            Long detail) {
        CompositeKey key = AlertTables.watchKey(rule, subject);
        Watch w = alerts.watch().get(key);
        if (holds && w == null) {
            alerts.watch().put(key, new Watch(o.ts(), o.seq(), detail, false));
        } else if (!holds && w != null) {
            alerts.watch().delete(key);
        }
    }

    /**
     * Brings VM {@code vm}'s share of the device's mapped bytes up to date; returns the change in
     * bytes.
     */
    private static long recount(long vm, DeviceTables tables, AlertTables alerts) {
        PageTableStats s = tables.ptStats().get(CompositeKey.of(vm));
        long now = s == null ? 0 : s.ptes();
        CompositeKey key = CompositeKey.of(vm);
        Long before = alerts.vmMapped().get(key);
        long was = before == null ? 0 : before;
        if (now == was) {
            return 0;
        }
        if (now == 0) {
            alerts.vmMapped().delete(key);
        } else {
            alerts.vmMapped().put(key, now);
        }
        return (now - was) * PAGE;
    }

    /**
     * {@link AlertRule#MAPPINGS_AT_CLOSE}: the VMAs the close tore down in the file's own VM, if
     * any.
     */
    private static Alert mappingsAtClose(long file, Outcome o) {
        long count = 0;
        long bytes = 0;
        for (Effect e : o.effects()) {
            if (e.kind() == Effect.Kind.VMA_TORN_DOWN
                    && e.vm() != null
                    && e.vm() == file
                    && VmLog.CLOSE.equals(e.reason())) {
                count++;
                bytes += e.range();
            }
        }
        if (count == 0) {
            return null;
        }
        return new Alert(
                AlertRule.MAPPINGS_AT_CLOSE,
                o.device(),
                file,
                null,
                "file "
                        + file
                        + " closed with "
                        + count
                        + " mapping(s) ("
                        + bytes
                        + " bytes) left in VM "
                        + file,
                count,
                0,
                bytes,
                o.ts(),
                o.ts(),
                o.seq());
    }

    /**
     * {@link AlertRule#MAPPED_GROWTH}: adds {@code delta} to the device's mapped bytes and, at the
     * end of each step, extends or ends the run of new highs; raised once per run that spans {@link
     * AlertThresholds#GROWTH_STEPS} steps and grew at least the minimum.
     */
    private Alert growth(Outcome o, long delta, AlertTables alerts) {
        MappedGrowth g = alerts.growth().get(DEVICE_KEY);
        MappedGrowth next = (g == null ? MappedGrowth.start(o.ts()) : g).plus(delta);
        Alert alert = null;
        if (o.ts() - next.stepStart() >= thresholds.growthStepUs()) {
            long m = next.mapped();
            if (m > next.high()) {
                boolean first = next.rising() == 0;
                int rising = next.rising() + 1;
                long runStart = first ? next.stepStart() : next.runStart();
                long runFrom = first ? next.high() : next.runFrom();
                long runSeq = first ? o.seq() : next.runSeq();
                boolean raise =
                        !next.raised()
                                && rising >= AlertThresholds.GROWTH_STEPS
                                && m - runFrom >= thresholds.growthMinBytes();
                if (raise) {
                    alert =
                            new Alert(
                                    AlertRule.MAPPED_GROWTH,
                                    o.device(),
                                    null,
                                    null,
                                    "mapped bytes grew from "
                                            + runFrom
                                            + " to "
                                            + m
                                            + " over "
                                            + seconds(o.ts() - runStart)
                                            + ", a new high at each of "
                                            + rising
                                            + " steps of "
                                            + seconds(thresholds.growthStepUs()),
                                    m - runFrom,
                                    thresholds.growthMinBytes(),
                                    m,
                                    runStart,
                                    o.ts(),
                                    runSeq);
                }
                next =
                        new MappedGrowth(
                                m,
                                o.ts(),
                                m,
                                rising,
                                runStart,
                                runFrom,
                                runSeq,
                                next.raised() || raise);
            } else {
                next = new MappedGrowth(m, o.ts(), next.high(), 0, o.ts(), m, o.seq(), false);
            }
        }
        if (!next.equals(g)) {
            alerts.growth().put(DEVICE_KEY, next);
        }
        return alert;
    }

    /**
     * Raises every watched condition of the device that has held for the lifetime threshold by its
     * latest event time and was not raised yet (checked once more against the state), marking it
     * raised.
     */
    public List<Alert> sweep(String device, DeviceTables tables, AlertTables alerts) {
        DeviceRecord d = tables.deviceRecord();
        if (d == null) {
            return List.of();
        }
        long now = d.lastTs();
        List<Map.Entry<CompositeKey, Watch>> due = new ArrayList<>();
        try (Cursor<Watch> c = alerts.watch().range(CompositeKey.of(0), CompositeKey.lastOf(-1L))) {
            while (c.hasNext()) {
                Map.Entry<CompositeKey, Watch> e = c.next();
                if (!e.getValue().raised()
                        && now - e.getValue().sinceTs() >= thresholds.afterUs()) {
                    due.add(e);
                }
            }
        }
        List<Alert> out = new ArrayList<>(due.size());
        for (Map.Entry<CompositeKey, Watch> e : due) {
            AlertRule rule = AlertTables.watchRule(e.getKey());
            long subject = AlertTables.watchSubject(e.getKey());
            Watch w = e.getValue();
            BoRecord b = rule.aboutBo() ? tables.bos().get(CompositeKey.of(subject)) : null;
            boolean holds = rule.aboutBo() ? holds(rule, b, tables) : bloated(subject, tables);
            if (!holds) {
                // Every event that can end a condition re-evaluates it; this only guards the
                // alert's truth.
                alerts.watch().delete(e.getKey());
                continue;
            }
            out.add(
                    rule.aboutBo()
                            ? boAlert(device, rule, b, w, now)
                            : bloatAlert(device, subject, tables, w, now));
            alerts.watch().put(e.getKey(), w.markRaised());
        }
        return out;
    }

    private Alert boAlert(String device, AlertRule rule, BoRecord b, Watch w, long now) {
        String held = " for " + seconds(now - w.sinceTs());
        String what =
                "BO "
                        + b.bo()
                        + " ("
                        + b.size()
                        + " bytes"
                        + (b.name() == null ? "" : ", '" + b.name() + "'")
                        + ")";
        String evidence =
                switch (rule) {
                    case HANDLE_LEAK ->
                            what
                                    + " held only by "
                                    + b.handles()
                                    + " GEM handle(s)"
                                    + held
                                    + ": no mapping, pin, vmap or dma-buf";
                    case PIN_LEAK ->
                            what
                                    + " pinned ("
                                    + b.pins()
                                    + " pin(s)"
                                    + (w.detail() == null ? "" : ", fb " + w.detail())
                                    + ")"
                                    + held
                                    + " without fb_cleanup";
                    case VMAP_LEAK ->
                            what + " vmapped (" + b.vmaps() + ")" + held + " without vunmap";
                    case BO_KEPT_BY_MAPPINGS ->
                            what
                                    + " has no handle or dma-buf left but stays alive through "
                                    + b.vmas()
                                    + " mapping(s)"
                                    + held;
                    case DISPLAY_VMA_UNREFERENCED ->
                            what
                                    + " keeps a display-VM VMA with vma_ref 0"
                                    + held
                                    + " (the kernel tears it down when vma_ref reaches 0)";
                    default -> throw new IllegalArgumentException(rule + " is not a BO rule");
                };
        Long vm =
                rule == AlertRule.PIN_LEAK || rule == AlertRule.DISPLAY_VMA_UNREFERENCED
                        ? DeviceModel.KMS_VM
                        : null;
        return new Alert(
                rule,
                device,
                vm,
                b.bo(),
                evidence,
                now - w.sinceTs(),
                thresholds.afterUs(),
                b.size(),
                w.sinceTs(),
                now,
                w.sinceSeq());
    }

    private Alert bloatAlert(String device, long vm, DeviceTables tables, Watch w, long now) {
        PageTableStats s = tables.ptStats().get(CompositeKey.of(vm));
        long pages = pages(s);
        long need = neededPages(s.ptes());
        long limit =
                Math.max(
                        thresholds.pagetableMinPages(),
                        (long) Math.floor(thresholds.pagetableRatio() * need));
        String evidence =
                "VM "
                        + vm
                        + " has "
                        + pages
                        + " page-table pages (L1 "
                        + s.l1()
                        + ", L2 "
                        + s.l2()
                        + ", L3 "
                        + s.l3()
                        + ") for "
                        + s.ptes()
                        + " PTEs ("
                        + s.ptes() * PAGE
                        + " bytes mapped), where "
                        + need
                        + " would do"
                        + " for "
                        + seconds(now - w.sinceTs());
        return new Alert(
                AlertRule.PAGETABLE_BLOAT,
                device,
                vm,
                null,
                evidence,
                pages,
                limit,
                s.ptes() * PAGE,
                w.sinceTs(),
                now,
                w.sinceSeq());
    }

    private static String seconds(long us) {
        return String.format(Locale.ROOT, "%.1f s", us / 1e6);
    }
}
