package io.vmledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.PageTableStats;
import java.util.List;

/**
 * A one-device {@link InMemoryLedger} with a running seq, plus shorthands for the events and
 * assertions the kernel-rule tests share. Nothing here encodes kernel behaviour: it only builds
 * events and reads the public query views.
 */
final class LedgerFixture {
    static final String DEVICE = "d";
    static final long PAGE = 0x1000L;

    /** trace-and-replay §1 defaults for file_open. */
    static final long VA_START = 0x100000000L;

    static final long VA_SIZE = 0xffff00000000L;

    /** The VM_BIND queue {@link #vmBindFile} creates. */
    static final long Q = 1;

    final InMemoryLedger ledger;
    private long seq;

    LedgerFixture() {
        this(FoldConfig.DEFAULT);
    }

    LedgerFixture(FoldConfig config) {
        this.ledger = new InMemoryLedger(config);
    }

    /** Applies one event with the next seq, whatever its outcome. */
    Outcome apply(Event e) {
        return ledger.apply(DEVICE, ++seq, null, e).outcome();
    }

    /** Applies one event with the next seq at time {@code ts} (µs), whatever its outcome. */
    io.vmledger.core.ledger.Applied at(long ts, Event e) {
        return ledger.apply(DEVICE, ++seq, ts, e);
    }

    /** Applies an event that must succeed. */
    Outcome ok(Event e) {
        Outcome o = apply(e);
        assertEquals(Status.OK, o.status(), () -> "expected ok: " + e + " -> " + o);
        return o;
    }

    /** Applies an event that must fail with {@code errno}. */
    Outcome error(Event e, Errno errno) {
        Outcome o = apply(e);
        assertEquals(Status.ERROR, o.status(), () -> "expected " + errno + ": " + e + " -> " + o);
        assertEquals(errno, o.errno(), () -> "errno of " + e + " -> " + o);
        assertNotNull(o.reason(), "an error carries a reason");
        return o;
    }

    /** The device's tables. */
    io.vmledger.core.state.DeviceTables ledgerTables() {
        return ledger.tables(DEVICE);
    }

    // ---- setup shorthands ----

    /** A VM_BIND context with the default window, PRR, and VM_BIND queue {@link #Q}. */
    void vmBindFile(long file) {
        ok(new Event.FileOpen(file, true, VA_START, VA_SIZE, true));
        ok(new Event.SubmitqueueNew(file, Q, true));
    }

    /** A legacy (kernel-managed VM) context with the default window. */
    void legacyFile(long file) {
        ok(new Event.FileOpen(file, false, VA_START, VA_SIZE, true));
    }

    void boNew(long file, long bo, long size) {
        ok(new Event.BoNew(file, bo, size, 0, null));
    }

    // ---- VM_BIND ops ----

    static VmBindOp map(long bo, long objOffset, long iova, long range) {
        return new VmBindOp(VmBindOp.MAP, bo, objOffset, iova, range, 0);
    }

    static VmBindOp mapDump(long bo, long objOffset, long iova, long range) {
        return new VmBindOp(VmBindOp.MAP, bo, objOffset, iova, range, VmBindOp.FLAG_DUMP);
    }

    static VmBindOp mapNull(long iova, long range) {
        return new VmBindOp(VmBindOp.MAP_NULL, null, 0, iova, range, 0);
    }

    static VmBindOp unmap(long iova, long range) {
        return new VmBindOp(VmBindOp.UNMAP, null, 0, iova, range, 0);
    }

    static Event.VmBind bind(long file, VmBindOp... ops) {
        return new Event.VmBind(file, Q, 0, List.of(ops));
    }

    // ---- views ----

    DeviceQueries queries() {
        DeviceQueries q = ledger.devices().get(DEVICE);
        assertNotNull(q, "device has state");
        return q;
    }

    VmView vm(long vm) {
        return queries().vms().stream()
                .filter(v -> v.vm().vm() == vm)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no vm " + vm));
    }

    PageTableStats pt(long vm) {
        return vm(vm).pagetable();
    }

    BoRecord bo(long bo) {
        return queries().bos().stream()
                .filter(b -> b.bo() == bo)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no bo " + bo));
    }

    /** Everything the query views expose: VMs (VAs, page-table stats, log, usability) and BOs. */
    record Snapshot(List<VmView> vms, List<BoRecord> bos) {}

    Snapshot snapshot() {
        DeviceQueries q = queries();
        return new Snapshot(q.vms(), q.bos());
    }

    static List<Effect.Kind> kinds(Outcome o) {
        return o.effects().stream().map(Effect::kind).toList();
    }

    static PageTableStats stats(long l1, long l2, long l3, long ptes) {
        return new PageTableStats(l1, l2, l3, ptes);
    }
}
