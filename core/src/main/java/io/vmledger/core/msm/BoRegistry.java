package io.vmledger.core.msm;

import io.vmledger.core.Errno;
import io.vmledger.core.Rejection;
import io.vmledger.core.U64;
import io.vmledger.core.event.Madv;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.FileRecord;
import io.vmledger.core.state.VmRecord;
import io.vmledger.core.state.Vma;
import io.vmledger.core.store.CompositeKey;
import io.vmledger.core.store.Cursor;
import java.util.ArrayList;
import java.util.List;

/**
 * BO lifecycle (kernel-semantics §4): GEM handles per file, dma-buf export/import/release, {@code
 * vma_ref} and the display VM's lazy teardown, madvise and purge, vmap counts, and the final free
 * when the last reference goes. Each public method is one event; it validates everything first and
 * returns a {@link Rejection} (nothing changed) or null (applied).
 */
public final class BoRegistry {
    /** Longest debug name: 31 characters plus the NUL of the kernel's 32-byte field. */
    public static final int MAX_NAME = 31;

    private final DeviceModel m;

    public BoRegistry(DeviceModel m) {
        this.m = m;
    }

    /** GEM_NEW: a new BO of {@code size} (page-aligned up) with one handle in {@code file}. */
    public Rejection create(long file, long bo, long size, long flags, String name) {
        if (m.openFile(file) == null) {
            return notOpen(file);
        }
        if (m.liveBo(bo) != null) {
            return Rejection.of(Errno.EEXIST, "bo " + U64.toString(bo) + " already exists");
        }
        long aligned = U64.alignUp(size, 12);
        if (aligned == 0) {
            return Rejection.of(Errno.EINVAL, "invalid size " + U64.toString(size));
        }
        if ((flags & ~BoRecord.VALID_FLAGS) != 0) {
            return Rejection.of(Errno.EINVAL, "invalid flags " + U64.hex(flags));
        }
        if (name != null && name.length() > MAX_NAME) {
            return Rejection.of(Errno.EINVAL, "name longer than " + MAX_NAME + " characters");
        }
        m.putBo(BoRecord.created(bo, aligned, flags, name == null ? null : printablePrefix(name)));
        m.tables().handles().put(CompositeKey.of(file, bo), 1);
        return null;
    }

    /** A further GEM handle of {@code file} on {@code bo}. */
    public Rejection openHandle(long file, long bo) {
        if (m.openFile(file) == null) {
            return notOpen(file);
        }
        BoRecord b = m.liveBo(bo);
        if (b == null) {
            return noBo(bo);
        }
        addHandle(file, b);
        return null;
    }

    /** GEM_CLOSE of one handle of {@code file} on {@code bo}. */
    public Rejection closeHandle(long file, long bo) {
        FileRecord f = m.openFile(file);
        if (f == null) {
            return notOpen(file);
        }
        if (m.handles(file, bo) == 0) {
            return Rejection.of(
                    Errno.EINVAL,
                    "file " + U64.toString(file) + " holds no handle on bo " + U64.toString(bo));
        }
        dropHandle(f, bo);
        return null;
    }

    /** Closes every handle {@code file} holds, in ascending BO order (file close, §3.7). */
    public void closeAllHandles(FileRecord f) {
        List<long[]> held = new ArrayList<>();
        try (Cursor<Integer> c =
                m.tables()
                        .handles()
                        .range(CompositeKey.of(f.file(), 0), CompositeKey.lastOf(f.file()))) {
            while (c.hasNext()) {
                var e = c.next();
                held.add(new long[] {DeviceTables.handleBo(e.getKey()), e.getValue()});
            }
        }
        for (long[] h : held) {
            for (long i = 0; i < h[1]; i++) {
                dropHandle(f, h[0]);
            }
        }
    }

    /** MSM_INFO_SET_NAME: 32-byte field, cut at the first non-printable character. */
    public Rejection setName(long bo, String name) {
        BoRecord b = m.liveBo(bo);
        if (b == null) {
            return noBo(bo);
        }
        if (name.length() > MAX_NAME) {
            return Rejection.of(Errno.EINVAL, "name longer than " + MAX_NAME + " characters");
        }
        m.putBo(b.withName(printablePrefix(name)));
        return null;
    }

    /**
     * GEM_MADVISE, or with {@link Madv#PURGED} the shrinker's purge, which the trace reports as an
     * observed fact: it is applied whatever the advice was, but a pinned or exported BO is never on
     * the shrinker's purgeable list, so that is refused. The VMAs stay but are unmapped (reason
     * {@code purge}). A purged BO stays purged whatever userspace advises later.
     */
    public Rejection madvise(long bo, Madv madv) {
        BoRecord b = m.liveBo(bo);
        if (b == null) {
            return noBo(bo);
        }
        if (madv == Madv.PURGED) {
            if (b.pins() > 0 || b.dmabuf() != null) {
                return Rejection.of(
                        Errno.EINVAL,
                        "bo "
                                + U64.toString(bo)
                                + " cannot be purged: it is "
                                + (b.pins() > 0 ? "pinned" : "exported"));
            }
            purge(b);
            return null;
        }
        if (b.madv() != Madv.PURGED) {
            m.putBo(b.withMadv(madv));
        }
        return null;
    }

    /** PRIME export: creates the BO's dma-buf (NO_SHARE BOs refuse with EPERM). */
    public Rejection export(long bo, long dmabuf, Long file) {
        BoRecord b = m.liveBo(bo);
        if (b == null) {
            return noBo(bo);
        }
        if (b.noShare()) {
            return Rejection.of(Errno.EPERM, "bo " + U64.toString(bo) + " is MSM_BO_NO_SHARE");
        }
        if (m.tables().dmabufs().get(CompositeKey.of(dmabuf)) != null) {
            return Rejection.of(
                    Errno.EEXIST, "dma-buf " + U64.toString(dmabuf) + " is already live");
        }
        if (b.dmabuf() != null) {
            return Rejection.of(
                    Errno.EEXIST,
                    "bo "
                            + U64.toString(bo)
                            + " is already exported as dma-buf "
                            + U64.toString(b.dmabuf()));
        }
        if (file != null && (m.openFile(file) == null || m.handles(file, bo) == 0)) {
            return Rejection.of(
                    Errno.EBADF,
                    "exporting file "
                            + U64.toString(file)
                            + " holds no handle on bo "
                            + U64.toString(bo));
        }
        m.tables().dmabufs().put(CompositeKey.of(dmabuf), bo);
        m.putBo(b.withDmabuf(dmabuf).withVmaRef(b.vmaRef() + 1));
        if (file != null) {
            m.tables().prime().put(CompositeKey.of(dmabuf, file), Boolean.TRUE);
        }
        return null;
    }

    /**
     * PRIME import on the same device: msm's self-import returns the original object; a file that
     * already knows the dma-buf gets its existing handle back and nothing changes, otherwise a new
     * handle is created (which raises {@code vma_ref}).
     */
    public Rejection importDmabuf(long file, long dmabuf) {
        if (m.openFile(file) == null) {
            return notOpen(file);
        }
        Long bo = m.tables().dmabufs().get(CompositeKey.of(dmabuf));
        if (bo == null) {
            return Rejection.of(Errno.EBADF, "dma-buf " + U64.toString(dmabuf) + " is not live");
        }
        CompositeKey known = CompositeKey.of(dmabuf, file);
        if (m.tables().prime().get(known) != null) {
            return null;
        }
        m.tables().prime().put(known, Boolean.TRUE);
        addHandle(file, m.liveBo(bo));
        return null;
    }

    /** The dma-buf's last fd closed: it drops its BO reference and {@code vma_ref}. */
    public Rejection releaseDmabuf(long dmabuf) {
        Long bo = m.tables().dmabufs().get(CompositeKey.of(dmabuf));
        if (bo == null) {
            return Rejection.of(Errno.EBADF, "dma-buf " + U64.toString(dmabuf) + " is not live");
        }
        m.tables().dmabufs().delete(CompositeKey.of(dmabuf));
        List<CompositeKey> known = new ArrayList<>();
        try (Cursor<Boolean> c =
                m.tables().prime().range(CompositeKey.of(dmabuf, 0), CompositeKey.lastOf(dmabuf))) {
            while (c.hasNext()) {
                known.add(c.next().getKey());
            }
        }
        known.forEach(m.tables().prime()::delete);
        BoRecord b = m.liveBo(bo);
        m.putBo(b.withDmabuf(null));
        m.ctx().released(bo);
        vmaPut(bo);
        return null;
    }

    /** drm_gem_vmap ({@code delta} +1) or vunmap (-1, refused when no vmap is held). */
    public Rejection vmap(long bo, int delta) {
        BoRecord b = m.liveBo(bo);
        if (b == null) {
            return noBo(bo);
        }
        if (b.vmaps() + delta < 0) {
            return Rejection.of(Errno.EINVAL, "bo " + U64.toString(bo) + " has no vmap to release");
        }
        m.putBo(b.withVmaps(b.vmaps() + delta));
        if (delta < 0) {
            m.ctx().released(bo);
        }
        return null;
    }

    /** {@code msm_gem_vma_get}: one more holder that may reuse the display VMA. */
    public void vmaGet(long bo) {
        BoRecord b = m.liveBo(bo);
        m.putBo(b.withVmaRef(b.vmaRef() + 1));
    }

    /**
     * {@code msm_gem_vma_put}: when {@code vma_ref} drops to 0 and a display VM exists, the BO's
     * display VMAs are unmapped and closed (reason {@code vma_put}), which may free the BO.
     */
    public void vmaPut(long bo) {
        BoRecord b = m.liveBo(bo);
        int ref = b.vmaRef() - 1;
        m.putBo(b.withVmaRef(ref));
        VmRecord kms = m.vm(DeviceModel.KMS_VM);
        if (ref == 0 && kms != null) {
            tearDown(kms, bo, VmLog.VMA_PUT);
        }
    }

    /** Unmaps and closes every VMA of {@code bo} in {@code vm}, recording why. */
    public void tearDown(VmRecord vm, long bo, String reason) {
        for (Vma vma : m.vaSpace().ofBo(bo, vm.vm())) {
            m.tearDown(vm, vma, reason);
        }
    }

    /** Frees every BO that lost a reference during the event and has none left, in that order. */
    public void freeUnreferenced() {
        for (long bo : m.ctx().releasedBos()) {
            BoRecord b = m.liveBo(bo);
            if (b != null && b.references() == 0) {
                m.putBo(b.freed());
                m.ctx().effect(Effect.boFreed(bo));
            }
        }
    }

    private void addHandle(long file, BoRecord b) {
        m.tables().handles().put(CompositeKey.of(file, b.bo()), m.handles(file, b.bo()) + 1);
        m.putBo(b.withHandles(b.handles() + 1).withVmaRef(b.vmaRef() + 1));
    }

    /**
     * Deletes one handle: with its last handle on the BO the file forgets the BO's dma-buf, a
     * legacy context tears down the BO's VMAs in its VM (reason {@code close}), and {@code vma_ref}
     * drops.
     */
    private void dropHandle(FileRecord f, long bo) {
        int left = m.handles(f.file(), bo) - 1;
        CompositeKey hk = CompositeKey.of(f.file(), bo);
        if (left == 0) {
            m.tables().handles().delete(hk);
        } else {
            m.tables().handles().put(hk, left);
        }
        BoRecord b = m.liveBo(bo);
        m.putBo(b.withHandles(b.handles() - 1));
        m.ctx().released(bo);
        if (left == 0 && b.dmabuf() != null) {
            m.tables().prime().delete(CompositeKey.of(b.dmabuf(), f.file()));
        }
        if (!f.vmBind()) {
            VmRecord vm = m.vm(f.file());
            if (vm != null && !vm.closed()) {
                tearDown(vm, bo, VmLog.CLOSE);
            }
        }
        vmaPut(bo);
    }

    private void purge(BoRecord b) {
        m.putBo(b.withMadv(Madv.PURGED));
        for (CompositeKey k : m.vaSpace().keysOfBo(b.bo())) {
            VmRecord vm = m.vm(DeviceTables.vaVm(k));
            Vma vma = m.vaSpace().get(DeviceTables.vaVm(k), DeviceTables.vaAddr(k));
            if (vma.mapped()) {
                m.unmapNow(vm, vma, VmLog.PURGE);
                m.vaSpace().update(vm.vm(), new Vma(vma.va(), false));
                m.ctx()
                        .effect(
                                Effect.vma(
                                        Effect.Kind.VMA_UNMAPPED,
                                        vm.vm(),
                                        b.bo(),
                                        vma.va().addr(),
                                        vma.va().range(),
                                        VmLog.PURGE));
            }
        }
    }

    /** The kernel copies the name and cuts it at the first non-printable character. */
    private static String printablePrefix(String name) {
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < 0x20 || ch > 0x7e) {
                return name.substring(0, i);
            }
        }
        return name;
    }

    /**
     * Pinning a BO needs its backing pages, which a DONTNEED or purged BO does not get: EBUSY (§3.3
     * step 14). {@code where} says which pin it was, e.g. {@code " at index 2"}.
     */
    static Rejection pinRefusal(BoRecord b, String where) {
        if (b.madv() == Madv.WILLNEED) {
            return null;
        }
        return Rejection.of(
                Errno.EBUSY,
                "bo "
                        + U64.toString(b.bo())
                        + where
                        + " cannot be pinned: "
                        + b.madv().name().toLowerCase(java.util.Locale.ROOT));
    }

    static Rejection notOpen(long file) {
        return Rejection.of(Errno.EBADF, "file " + U64.toString(file) + " is not open");
    }

    static Rejection noBo(long bo) {
        return Rejection.of(Errno.ENOENT, "bo " + U64.toString(bo) + " does not exist");
    }
}
