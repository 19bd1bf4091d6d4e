package io.vmledger.producer.sim;

import io.vmledger.schema.VmBindOp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A Vulkan process on a VM_BIND context, the way a driver like turnip drives msm: opt-in to VM_BIND
 * at open, one to three VM_BIND queues beside a render queue, and userspace-managed GPU VA (a
 * {@link VaAllocator} heap). It keeps a command-buffer BO mapped with {@code MSM_VM_BIND_OP_DUMP}
 * (so devcoredumps capture it) and a descriptor pool, and churns:
 *
 * <ul>
 *   <li>device-memory allocation ({@code vkdevmem}, {@code vkbuffer}, {@code vkimage}; WC or
 *       cached-coherent, often {@code NO_SHARE}), mapped whole or as several sub-allocation VAs of
 *       one BO, several BOs per ioctl with ops sorted by address or not (which changes the
 *       page-table pre-allocation count, §5.2);
 *   <li>frees (UNMAP every VA, then close the handle), partial unmaps that split a VA (REMAP);
 *   <li>sparse residency: a 32 MiB {@code MAP_NULL} reservation whose 64 KiB tiles are bound to
 *       pages of a backing BO (itself mapped whole, as every device-memory BO is) and unbound back
 *       to NULL;
 *   <li>short-lived command buffers with DUMP, and DUMP toggles by an identical MAP (in-place
 *       remap, §3.5);
 *   <li>GPU faults (some on an address it unmapped a moment before: use after unmap), whose
 *       devcoredump capture vmaps the command buffer for a moment; rare hangs, after which the VM
 *       is unusable and the process exits, as real apps do;
 *   <li>two swapchain images exported as dma-bufs and offered to the compositor;
 *   <li>exit by {@code file_close} with its mappings still in place.
 * </ul>
 *
 * Mapped bytes stay under a budget, so the process is in a steady state.
 *
 * <p>The {@link Kind#RESIDENT} process (the system UI) never exits, hangs or faults fatally; it
 * carries the injected bugs {@link BugKind#HANDLE_LEAK}, {@link BugKind#MAPPING_ONLY_BO}, {@link
 * BugKind#PAGETABLE_BLOAT} and {@link BugKind#VMAP_LEAK}.
 */
final class VulkanApp extends Workload {
    /** Resident system UI or an ordinary application with a lifetime. */
    enum Kind {
        RESIDENT,
        APP
    }

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long[] SIZES = {
        64 * KIB, 128 * KIB, 256 * KIB, 512 * KIB, MIB, 2 * MIB, 4 * MIB, 8 * MIB
    };
    private static final String[] FAULT_SOURCES = {"CP", "UCHE", "TP", "VFD", "CCU"};
    private static final long HEAP_SIZE = 1L << 40;

    /** Addresses above the heap are never mapped: where stray accesses fault. */
    private static final long HOLE = Payloads.VM_START + (2L << 40);

    private static final long TILE = 64 * KIB;
    private static final long SPARSE_SIZE = 32 * MIB;
    private static final long SPARSE_BACKING = 4 * MIB;
    private static final int BLOAT_PAGES = 1024;
    private static final int BLOAT_OPS_PER_IOCTL = 32;
    private static final long PT_BLOCK = 2 * MIB;
    private static final int MISSING_QUEUE = 63;

    /** One VA mapping {@code [offset, offset + range)} of a buffer at {@code iova}. */
    private static final class Mapping {
        long iova;
        long range;
        long offset;
        boolean dump;

        Mapping(long iova, long range, long offset, boolean dump) {
            this.iova = iova;
            this.range = range;
            this.offset = offset;
            this.dump = dump;
        }
    }

    /**
     * A BO this process holds a handle on, with its VAs; {@code fixed} buffers live as long as the
     * process.
     */
    private record Buffer(
            long bo, long size, long flags, boolean cmd, boolean fixed, List<Mapping> maps) {}

    private final Kind kind;
    private final long lifetime;
    private final List<Buffer> buffers = new ArrayList<>();
    private final List<Long> bindQueues = new ArrayList<>();
    private final List<SharedBuffer> swapchain = new ArrayList<>();

    /** Bound sparse tiles: tile index → 64 KiB chunk of the backing BO. */
    private final TreeMap<Integer, Integer> tiles = new TreeMap<>();

    private long file;
    private long renderQueue;
    private VaAllocator va;
    private Buffer cmdbuf;
    private Buffer sparseBacking;
    private long sparseBase;
    private long mappedBytes;
    private long budget;
    private long deathTime;
    private boolean started;
    private boolean hung;

    VulkanApp(long wake, Kind kind, long lifetime) {
        super(wake);
        this.kind = kind;
        this.lifetime = lifetime;
    }

    VulkanApp(long wake, Kind kind) {
        this(wake, kind, Long.MAX_VALUE);
    }

    @Override
    boolean isApp() {
        return kind == Kind.APP;
    }

    @Override
    void step(DeviceSim d) {
        SplittableRandom rng = d.rng();
        if (!started) {
            start(d);
        } else if (hung || d.now() >= deathTime) {
            exit(d);
            return;
        } else {
            submit(d, file, List.of());
            if (kind == Kind.RESIDENT) {
                injectBugs(d);
            }
            act(d);
            if (!hung && d.invalidDue()) {
                invalid(d);
            }
            if (!hung) {
                retire(d, file);
            }
        }
        if (!hung) {
            wake = d.now() + 20_000 + rng.nextLong(kind == Kind.RESIDENT ? 600_000 : 250_000);
        }
    }

    private void start(DeviceSim d) {
        SplittableRandom rng = d.rng();
        started = true;
        file = d.newFile();
        va = new VaAllocator(Payloads.VM_START, HEAP_SIZE);
        deathTime = lifetime == Long.MAX_VALUE ? Long.MAX_VALUE : d.now() + lifetime;
        budget = (kind == Kind.RESIDENT ? 48 : 24 + rng.nextInt(72)) * MIB;
        d.emit(Payloads.fileOpen(file, true));
        int queues = 1 + rng.nextInt(3);
        for (long q = 1; q <= queues; q++) {
            d.emit(Payloads.queue(file, q, true));
            bindQueues.add(q);
        }
        renderQueue = queues + 1;
        d.emit(Payloads.queue(file, renderQueue, false));
        cmdbuf = create(d, 256 * KIB, Payloads.BO_WC, "vkcmdbuf", true, true);
        Buffer descriptors =
                create(
                        d,
                        64 * KIB,
                        Payloads.BO_WC | Payloads.BO_NO_SHARE,
                        "vkdescpool",
                        false,
                        true);
        List<VmBindOp> ops = new ArrayList<>();
        mapWhole(cmdbuf, ops);
        mapWhole(descriptors, ops);
        if (kind == Kind.APP) {
            for (int i = 0; i < 2; i++) {
                Buffer image = create(d, 8 * MIB, Payloads.BO_WC, "vkswapchain", false, true);
                mapWhole(image, ops);
                SharedBuffer shared = new SharedBuffer(image.bo(), d.newDmabuf(), image.size());
                d.emit(Payloads.export(image.bo(), shared.dmabuf(), file));
                swapchain.add(shared);
            }
        }
        bind(d, ops);
        swapchain.forEach(d::offer);
        if (kind == Kind.APP && rng.nextBoolean()) {
            sparseBacking =
                    create(
                            d,
                            SPARSE_BACKING,
                            Payloads.BO_WC | Payloads.BO_NO_SHARE,
                            "vksparse",
                            false,
                            true);
            sparseBase = va.allocate(SPARSE_SIZE, PT_BLOCK);
            List<VmBindOp> sparseOps = new ArrayList<>();
            mapWhole(sparseBacking, sparseOps);
            sparseOps.add(Payloads.mapNull(sparseBase, SPARSE_SIZE));
            bind(d, sparseOps);
        }
    }

    private void act(DeviceSim d) {
        SplittableRandom rng = d.rng();
        int roll = rng.nextInt(100);
        boolean overBudget = mappedBytes > budget;
        if (roll < 28 && !overBudget) {
            allocate(d);
        } else if (roll < 52 || overBudget) {
            free(d);
        } else if (roll < 60) {
            partialUnmap(d);
        } else if (roll < 76) {
            sparse(d);
        } else if (roll < 88) {
            Buffer cmd =
                    create(
                            d,
                            (1 + rng.nextInt(2)) * 64 * KIB,
                            Payloads.BO_WC,
                            "vkcmdbuf",
                            true,
                            false);
            List<VmBindOp> ops = new ArrayList<>();
            mapWhole(cmd, ops);
            bind(d, ops);
        } else if (roll < 92) {
            toggleDump(d);
        } else if (roll < 94 && rng.nextInt(8) == 0) {
            d.emit(
                    Payloads.fault(
                            file,
                            HOLE + rng.nextLong(1L << 30) * VaAllocator.PAGE,
                            rng.nextBoolean(),
                            source(rng),
                            submit));
            capture(d, false);
        } else if (roll == 94 && kind == Kind.APP && rng.nextInt(20) == 0) {
            d.emit(Payloads.hang(file, submit));
            capture(d, false);
            hung = true;
            wake = d.now() + 1_000 + rng.nextLong(50_000);
        }
    }

    /** One to four new BOs, each mapped whole or as sub-allocations, in one VM_BIND. */
    private void allocate(DeviceSim d) {
        SplittableRandom rng = d.rng();
        int count = rng.nextInt(10) < 7 ? 1 : 2 + rng.nextInt(3);
        List<VmBindOp> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long size = SIZES[rng.nextInt(SIZES.length)];
            long flags =
                    (rng.nextInt(4) == 0 ? Payloads.BO_CACHED_COHERENT : Payloads.BO_WC)
                            | (rng.nextBoolean() ? Payloads.BO_NO_SHARE : 0);
            String name = size >= 2 * MIB ? "vkdevmem" : rng.nextBoolean() ? "vkbuffer" : "vkimage";
            Buffer b = create(d, size, flags, name, false, false);
            if (size >= 2 * MIB && rng.nextInt(10) < 4) {
                int parts = rng.nextBoolean() ? 2 : 4;
                long part = size / parts;
                for (int p = 0; p < parts; p++) {
                    map(b, p * part, part, false, ops);
                }
            } else {
                mapWhole(b, ops);
            }
        }
        if (rng.nextBoolean()) {
            ops.sort(Comparator.comparingLong(VmBindOp::getIova));
        } else {
            shuffle(ops, rng);
        }
        bind(d, ops);
    }

    /**
     * Frees one buffer: UNMAP of each of its VAs in one ioctl, then GEM_CLOSE; sometimes a late
     * access faults.
     */
    private void free(DeviceSim d) {
        List<Buffer> loose = buffers.stream().filter(b -> !b.fixed()).toList();
        if (loose.isEmpty()) {
            return;
        }
        SplittableRandom rng = d.rng();
        Buffer b = loose.get(rng.nextInt(loose.size()));
        List<VmBindOp> ops = new ArrayList<>();
        for (Mapping m : b.maps()) {
            ops.add(Payloads.unmap(m.iova, m.range));
            va.release(m.iova, m.range);
            mappedBytes -= m.range;
        }
        Mapping first = b.maps().get(0);
        bind(d, ops);
        d.emit(Payloads.handleClose(file, b.bo()));
        buffers.remove(b);
        if (rng.nextInt(100) < 1) {
            d.advance(1_000 + rng.nextLong(20_000));
            long at = first.iova + rng.nextLong(first.range / VaAllocator.PAGE) * VaAllocator.PAGE;
            d.emit(Payloads.fault(file, at, rng.nextBoolean(), source(rng), submit));
            capture(d, false);
        }
    }

    /** UNMAP of a middle part of a VA: the kernel splits it (REMAP with prev and next). */
    private void partialUnmap(DeviceSim d) {
        List<Mapping> candidates = new ArrayList<>();
        for (Buffer b : buffers) {
            if (!b.cmd() && !b.fixed()) {
                b.maps().stream()
                        .filter(m -> m.range >= 3 * VaAllocator.PAGE)
                        .forEach(candidates::add);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        SplittableRandom rng = d.rng();
        Mapping m = candidates.get(rng.nextInt(candidates.size()));
        Buffer owner = buffers.stream().filter(b -> b.maps().contains(m)).findFirst().orElseThrow();
        long pages = m.range / VaAllocator.PAGE;
        long p1 = 1 + rng.nextLong(pages - 2);
        long p2 = p1 + 1 + rng.nextLong(pages - 1 - p1);
        long cut = m.iova + p1 * VaAllocator.PAGE;
        long cutRange = (p2 - p1) * VaAllocator.PAGE;
        bind(d, List.of(Payloads.unmap(cut, cutRange)));
        va.release(cut, cutRange);
        mappedBytes -= cutRange;
        owner.maps()
                .add(
                        new Mapping(
                                m.iova + p2 * VaAllocator.PAGE,
                                (pages - p2) * VaAllocator.PAGE,
                                m.offset + p2 * VaAllocator.PAGE,
                                m.dump));
        m.range = p1 * VaAllocator.PAGE;
    }

    /**
     * Binds up to four free tiles of the sparse reservation to backing pages, or unbinds bound ones
     * back to NULL.
     */
    private void sparse(DeviceSim d) {
        if (sparseBacking == null) {
            return;
        }
        SplittableRandom rng = d.rng();
        int totalTiles = (int) (SPARSE_SIZE / TILE);
        int n = 1 + rng.nextInt(4);
        List<VmBindOp> ops = new ArrayList<>();
        if (tiles.size() < totalTiles / 2 && (tiles.isEmpty() || rng.nextInt(10) < 6)) {
            for (int i = 0; i < n; i++) {
                int t = rng.nextInt(totalTiles);
                if (tiles.containsKey(t)) {
                    continue;
                }
                int chunk = rng.nextInt((int) (SPARSE_BACKING / TILE));
                tiles.put(t, chunk);
                ops.add(
                        Payloads.map(
                                sparseBacking.bo(),
                                chunk * TILE,
                                sparseBase + t * TILE,
                                TILE,
                                false));
            }
        } else {
            List<Integer> bound = new ArrayList<>(tiles.keySet());
            for (int i = 0; i < n && !bound.isEmpty(); i++) {
                int t = bound.remove(rng.nextInt(bound.size()));
                tiles.remove(t);
                ops.add(Payloads.mapNull(sparseBase + t * TILE, TILE));
            }
        }
        if (!ops.isEmpty()) {
            bind(d, ops);
        }
    }

    /** An identical MAP of a command-buffer VA with DUMP flipped: the kernel's in-place remap. */
    private void toggleDump(DeviceSim d) {
        List<Buffer> cmds = buffers.stream().filter(Buffer::cmd).toList();
        Buffer b = cmds.get(d.rng().nextInt(cmds.size()));
        Mapping m = b.maps().get(0);
        m.dump = !m.dump;
        bind(d, List.of(Payloads.map(b.bo(), m.offset, m.iova, m.range, m.dump)));
    }

    /**
     * The devcoredump capture after a fault or hang vmaps the command buffer to copy it; {@code
     * leak} forgets the vunmap.
     */
    private void capture(DeviceSim d, boolean leak) {
        if (leak) {
            d.emitBug(Payloads.vmap(cmdbuf.bo()), BugKind.VMAP_LEAK, cmdbuf.bo(), file, null);
            return;
        }
        d.emit(Payloads.vmap(cmdbuf.bo()));
        d.advance(200 + d.rng().nextLong(3_000));
        d.emit(Payloads.vunmap(cmdbuf.bo()));
    }

    /**
     * The process ends: its file closes; the compositor lets go of its swapchain buffers
     * afterwards.
     */
    private void exit(DeviceSim d) {
        d.emit(Payloads.fileClose(file));
        swapchain.forEach(d::withdraw);
        finished = true;
    }

    private void injectBugs(DeviceSim d) {
        SplittableRandom rng = d.rng();
        if (d.takeBug(BugKind.HANDLE_LEAK)) {
            long bo = d.newBo();
            long iova = va.allocate(256 * KIB, 0x10000);
            d.emit(Payloads.boNew(file, bo, 256 * KIB, Payloads.BO_WC, "vkstaging"));
            bind(d, List.of(Payloads.map(bo, 0, iova, 256 * KIB, false)));
            d.advance(2_000 + rng.nextLong(10_000));
            d.emitBug(
                    Payloads.vmBind(file, queue(rng), List.of(Payloads.unmap(iova, 256 * KIB))),
                    BugKind.HANDLE_LEAK,
                    bo,
                    file,
                    null);
            va.release(iova, 256 * KIB);
        }
        if (d.takeBug(BugKind.MAPPING_ONLY_BO)) {
            long bo = d.newBo();
            long iova = va.allocate(MIB, 0x10000);
            d.emit(Payloads.boNew(file, bo, MIB, Payloads.BO_WC, "vkimage"));
            bind(d, List.of(Payloads.map(bo, 0, iova, MIB, false)));
            d.advance(2_000 + rng.nextLong(10_000));
            d.emitBug(Payloads.handleClose(file, bo), BugKind.MAPPING_ONLY_BO, bo, file, null);
        }
        if (d.takeBug(BugKind.PAGETABLE_BLOAT)) {
            long bo = d.newBo();
            long region = va.allocate(BLOAT_PAGES * PT_BLOCK, PT_BLOCK);
            d.emit(
                    Payloads.boNew(
                            file, bo, BLOAT_PAGES * VaAllocator.PAGE, Payloads.BO_WC, "vkdescbuf"));
            for (int first = 0; first < BLOAT_PAGES; first += BLOAT_OPS_PER_IOCTL) {
                List<VmBindOp> ops = new ArrayList<>();
                for (int p = first; p < first + BLOAT_OPS_PER_IOCTL; p++) {
                    ops.add(
                            Payloads.map(
                                    bo,
                                    p * VaAllocator.PAGE,
                                    region + p * PT_BLOCK,
                                    VaAllocator.PAGE,
                                    false));
                }
                Object ioctl = Payloads.vmBind(file, queue(rng), ops);
                if (first + BLOAT_OPS_PER_IOCTL >= BLOAT_PAGES) {
                    d.emitBug(ioctl, BugKind.PAGETABLE_BLOAT, bo, file, null);
                } else {
                    d.emit(ioctl);
                }
            }
        }
        if (d.takeBug(BugKind.VMAP_LEAK)) {
            d.emit(
                    Payloads.fault(
                            file,
                            HOLE + rng.nextLong(1L << 30) * VaAllocator.PAGE,
                            false,
                            source(rng),
                            submit));
            capture(d, true);
        }
    }

    /** One ioctl the kernel rejects, labelled with the errno it must return. */
    private void invalid(DeviceSim d) {
        SplittableRandom rng = d.rng();
        long q = queue(rng);
        long cmd = cmdbuf.bo();
        switch (rng.nextInt(7)) {
            case 0 ->
                    d.emitInvalid(
                            Payloads.vmBind(
                                    file,
                                    q,
                                    List.of(
                                            Payloads.map(
                                                    cmd,
                                                    0,
                                                    HOLE + 0x800,
                                                    VaAllocator.PAGE,
                                                    false))),
                            "EINVAL",
                            cmd,
                            file);
            case 1 -> {
                long foreign = 1_000_000_000L + rng.nextInt(1_000_000);
                d.emitInvalid(
                        Payloads.vmBind(
                                file,
                                q,
                                List.of(Payloads.map(foreign, 0, HOLE, VaAllocator.PAGE, false))),
                        "EINVAL",
                        foreign,
                        file);
            }
            case 2 ->
                    d.emitInvalid(
                            Payloads.vmBind(
                                    file,
                                    q,
                                    List.of(
                                            Payloads.map(
                                                    cmd,
                                                    0,
                                                    HOLE,
                                                    cmdbuf.size() + VaAllocator.PAGE,
                                                    false))),
                            "EINVAL",
                            cmd,
                            file);
            case 3 ->
                    d.emitInvalid(
                            Payloads.vmBind(
                                    file,
                                    renderQueue,
                                    List.of(Payloads.unmap(HOLE, VaAllocator.PAGE))),
                            "EINVAL",
                            null,
                            file);
            case 4 ->
                    d.emitInvalid(
                            Payloads.vmBind(
                                    file,
                                    MISSING_QUEUE,
                                    List.of(Payloads.unmap(HOLE, VaAllocator.PAGE))),
                            "ENOENT",
                            null,
                            file);
            case 5 -> {
                Buffer noShare =
                        buffers.stream()
                                .filter(b -> (b.flags() & Payloads.BO_NO_SHARE) != 0)
                                .findFirst()
                                .orElseThrow();
                d.emitInvalid(
                        Payloads.export(noShare.bo(), d.newDmabuf(), file),
                        "EPERM",
                        noShare.bo(),
                        file);
            }
            default -> d.emitInvalid(Payloads.getIova(file, cmd), "EINVAL", cmd, file);
        }
    }

    private Buffer create(
            DeviceSim d, long size, long flags, String name, boolean cmd, boolean fixed) {
        Buffer b = new Buffer(d.newBo(), size, flags, cmd, fixed, new ArrayList<>());
        d.emit(Payloads.boNew(file, b.bo(), size, flags, name));
        buffers.add(b);
        return b;
    }

    private void mapWhole(Buffer b, List<VmBindOp> ops) {
        map(b, 0, b.size(), b.cmd(), ops);
    }

    private void map(Buffer b, long offset, long range, boolean dump, List<VmBindOp> ops) {
        long iova = va.allocate(range, range >= 0x10000 ? 0x10000 : VaAllocator.PAGE);
        b.maps().add(new Mapping(iova, range, offset, dump));
        mappedBytes += range;
        ops.add(Payloads.map(b.bo(), offset, iova, range, dump));
    }

    private void bind(DeviceSim d, List<VmBindOp> ops) {
        d.emit(Payloads.vmBind(file, queue(d.rng()), ops));
    }

    private long queue(SplittableRandom rng) {
        return bindQueues.get(rng.nextInt(bindQueues.size()));
    }

    private static String source(SplittableRandom rng) {
        return FAULT_SOURCES[rng.nextInt(FAULT_SOURCES.length)];
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            list.set(i, list.set(j, list.get(i)));
        }
    }
}
