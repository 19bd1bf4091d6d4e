package io.vmledger.core.msm;

import io.vmledger.core.fold.FoldContext;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import io.vmledger.core.store.OrderedTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The VMAs of a device's VMs: an ordered map {@code (vm, addr) → Vma} plus the per-BO index {@code
 * (bo, vm, addr)} (the kernel's vm_bo lists) and each BO's VMA count, which is the hard reference
 * mappings hold on a BO (§2). Lookups are one floor lookup plus a range scan: O(log n + k) for k
 * VMAs touched.
 */
public final class VaSpace {
    private final FoldContext ctx;
    private final OrderedTable<Vma> vas;
    private final OrderedTable<Boolean> boVas;
    private final OrderedTable<BoRecord> bos;

    public VaSpace(FoldContext ctx) {
        this.ctx = ctx;
        DeviceTables t = ctx.tables();
        this.vas = t.vas();
        this.boVas = t.boVas();
        this.bos = t.bos();
    }

    /** The VMA starting exactly at {@code addr}, or null. */
    public Vma get(long vm, long addr) {
        return vas.get(CompositeKey.of(vm, addr));
    }

    /**
     * VMAs overlapping {@code [addr, addr + range)} (range &gt; 0, no overflow), ascending (§1.3):
     * touching VMAs are not included.
     */
    public List<Vma> overlapping(long vm, long addr, long range) {
        List<Vma> out = new ArrayList<>(4);
        long last = addr + range - 1;
        if (addr != 0) {
            Map.Entry<CompositeKey, Vma> below =
                    vas.floor(CompositeKey.of(vm, 0), CompositeKey.of(vm, addr - 1));
            if (below != null && Long.compareUnsigned(below.getValue().va().end(), addr) > 0) {
                out.add(below.getValue());
            }
        }
        try (Cursor<Vma> c = vas.range(CompositeKey.of(vm, addr), CompositeKey.of(vm, last))) {
            while (c.hasNext()) {
                out.add(c.next().getValue());
            }
        }
        return out;
    }

    /** The VMA with the highest address in {@code vm}, or null. */
    public Vma last(long vm) {
        Map.Entry<CompositeKey, Vma> e = vas.floor(CompositeKey.of(vm, 0), CompositeKey.lastOf(vm));
        return e == null ? null : e.getValue();
    }

    /** All VMAs of {@code vm}, ascending. */
    public List<Vma> all(long vm) {
        List<Vma> out = new ArrayList<>();
        try (Cursor<Vma> c = vas.range(CompositeKey.of(vm, 0), CompositeKey.lastOf(vm))) {
            while (c.hasNext()) {
                out.add(c.next().getValue());
            }
        }
        return out;
    }

    /** The VMAs mapping {@code bo} in {@code vm}, ascending. */
    public List<Vma> ofBo(long bo, long vm) {
        List<Vma> out = new ArrayList<>(1);
        try (Cursor<Boolean> c =
                boVas.range(CompositeKey.of(bo, vm, 0), CompositeKey.lastOf(bo, vm))) {
            while (c.hasNext()) {
                out.add(vas.get(CompositeKey.of(vm, DeviceTables.boVaAddr(c.next().getKey()))));
            }
        }
        return out;
    }

    /**
     * The {@link DeviceTables#vas()} keys of every VMA mapping {@code bo}, ascending by vm then
     * address.
     */
    public List<CompositeKey> keysOfBo(long bo) {
        List<CompositeKey> out = new ArrayList<>(2);
        try (Cursor<Boolean> c = boVas.range(CompositeKey.of(bo, 0, 0), CompositeKey.lastOf(bo))) {
            while (c.hasNext()) {
                CompositeKey k = c.next().getKey();
                out.add(CompositeKey.of(DeviceTables.boVaVm(k), DeviceTables.boVaAddr(k)));
            }
        }
        return out;
    }

    /** Inserts a VMA; a BO VMA takes a reference on its BO. */
    public void insert(long vm, Vma vma) {
        Va va = vma.va();
        vas.put(CompositeKey.of(vm, va.addr()), vma);
        if (!va.isNull()) {
            boVas.put(CompositeKey.of(va.bo(), vm, va.addr()), Boolean.TRUE);
            BoRecord b = bos.get(CompositeKey.of(va.bo()));
            bos.put(CompositeKey.of(va.bo()), b.withVmas(b.vmas() + 1));
        }
    }

    /** Replaces a VMA in place (same address and BO; flags or mapped state change). */
    public void update(long vm, Vma vma) {
        vas.put(CompositeKey.of(vm, vma.va().addr()), vma);
    }

    /**
     * Replaces {@code old} by its lower remainder {@code head} (same address, same BO): one write
     * instead of a remove and an insert, and the BO keeps its reference.
     */
    public void shrink(long vm, Vma old, Vma head) {
        if (old.va().addr() != head.va().addr() || !old.va().sameObject(head.va().bo())) {
            throw new IllegalArgumentException("not a head remainder of " + old + ": " + head);
        }
        vas.put(CompositeKey.of(vm, head.va().addr()), head);
    }

    /**
     * Removes a VMA; a BO VMA drops its BO reference (the BO may be freed at the end of the event).
     */
    public void remove(long vm, Vma vma) {
        Va va = vma.va();
        vas.delete(CompositeKey.of(vm, va.addr()));
        if (!va.isNull()) {
            boVas.delete(CompositeKey.of(va.bo(), vm, va.addr()));
            BoRecord b = bos.get(CompositeKey.of(va.bo()));
            bos.put(CompositeKey.of(va.bo()), b.withVmas(b.vmas() - 1));
            ctx.released(va.bo());
        }
    }
}
