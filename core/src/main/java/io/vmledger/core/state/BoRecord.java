package io.vmledger.core.state;

import io.vmledger.core.event.Madv;

/**
 * A GEM buffer object, stored under key {@code (bo)}; freed BOs stay with {@code alive=false}.
 *
 * <p>Lifecycle (§4):
 *
 * <pre>
 *   bo_new ──► alive ──(handles + dmabufs + vmas + vmaps reach 0)──► freed
 *               │  handles, dma-bufs, fb prepares raise vma_ref; when vma_ref drops to 0
 *               │  its display-VM VMAs are torn down, which may drop the last reference
 *               └─ madvise dontneed ──► purge: VMAs unmapped, contents gone (PURGED is final)
 * </pre>
 *
 * A BO is held by: its GEM handles, its exported dma-buf, every VMA mapping it (hard vm_bo
 * reference, §2), and every vmap (the kernel user that vmapped it holds a reference).
 *
 * @param vmaRef the display VM's lazy-teardown count (§4)
 * @param dmabuf the live exported dma-buf, or null (the kernel caches one per object)
 * @param vmas number of VMAs, over all VMs, that map this BO
 */
public record BoRecord(
        long bo,
        long size,
        long flags,
        String name,
        boolean alive,
        int handles,
        Long dmabuf,
        int vmaRef,
        int pins,
        int vmaps,
        Madv madv,
        long vmas) {
    /** MSM_BO_SCANOUT. */
    public static final long FLAG_SCANOUT = 0x1;

    /** MSM_BO_GPU_READONLY. */
    public static final long FLAG_GPU_READONLY = 0x2;

    /** MSM_BO_NO_SHARE: shares the VM's resv, cannot be exported (§3.1). */
    public static final long FLAG_NO_SHARE = 0x4;

    /** MSM_BO_CACHE_MASK. */
    public static final long FLAG_CACHE_MASK = 0x000f0000;

    /** Every flag GEM_NEW accepts. */
    public static final long VALID_FLAGS =
            FLAG_SCANOUT | FLAG_GPU_READONLY | FLAG_NO_SHARE | FLAG_CACHE_MASK;

    /** A newly created BO with one handle. */
    public static BoRecord created(long bo, long size, long flags, String name) {
        return new BoRecord(bo, size, flags, name, true, 1, null, 1, 0, 0, Madv.WILLNEED, 0);
    }

    /** The references that keep this BO alive. */
    public long references() {
        return (long) handles + dmabufs() + vmas + vmaps;
    }

    /** Number of live dma-bufs (0 or 1). */
    public int dmabufs() {
        return dmabuf == null ? 0 : 1;
    }

    /** True for a MSM_BO_NO_SHARE object. */
    public boolean noShare() {
        return (flags & FLAG_NO_SHARE) != 0;
    }

    public BoRecord withName(String n) {
        return new BoRecord(
                bo, size, flags, n, alive, handles, dmabuf, vmaRef, pins, vmaps, madv, vmas);
    }

    public BoRecord withHandles(int h) {
        return new BoRecord(
                bo, size, flags, name, alive, h, dmabuf, vmaRef, pins, vmaps, madv, vmas);
    }

    public BoRecord withDmabuf(Long d) {
        return new BoRecord(
                bo, size, flags, name, alive, handles, d, vmaRef, pins, vmaps, madv, vmas);
    }

    public BoRecord withVmaRef(int r) {
        return new BoRecord(
                bo, size, flags, name, alive, handles, dmabuf, r, pins, vmaps, madv, vmas);
    }

    public BoRecord withPins(int p) {
        return new BoRecord(
                bo, size, flags, name, alive, handles, dmabuf, vmaRef, p, vmaps, madv, vmas);
    }

    public BoRecord withVmaps(int v) {
        return new BoRecord(
                bo, size, flags, name, alive, handles, dmabuf, vmaRef, pins, v, madv, vmas);
    }

    public BoRecord withMadv(Madv m) {
        return new BoRecord(
                bo, size, flags, name, alive, handles, dmabuf, vmaRef, pins, vmaps, m, vmas);
    }

    public BoRecord withVmas(long n) {
        return new BoRecord(
                bo, size, flags, name, alive, handles, dmabuf, vmaRef, pins, vmaps, madv, n);
    }

    public BoRecord freed() {
        return new BoRecord(
                bo, size, flags, name, false, handles, dmabuf, vmaRef, pins, vmaps, madv, vmas);
    }
}
