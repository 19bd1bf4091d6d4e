package io.vmledger.bench;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded generator of a realistic, always-valid event mix for N devices, as the fold sees it (one
 * {@link TracedEvent} per {@code InMemoryLedger.apply} call).
 *
 * <p>Each device runs several VM_BIND contexts ({@code file_open} with {@code vm_bind=true} and
 * PRR, two VM_BIND submitqueues each) and a few legacy contexts. Devices are interleaved at random,
 * as they would be on a shared Kafka partition; each device's seq is 1, 2, 3, ... and its
 * timestamps increase. Per VM_BIND context the generator keeps a small model of what it has bound
 * so that every event it emits is accepted by the fold (status OK, no VM made unusable):
 *
 * <ul>
 *   <li>{@code bo_new} of sizes from 4 KiB to 16 MiB (log-uniform), each BO given a "home" region
 *       of the VA window from a power-of-two region allocator with reuse;
 *   <li>the BO's initial {@code vm_bind}: the whole BO in one MAP, or sub-allocated as 2–8 MAP ops
 *       of consecutive chunks (several VAs per BO), some with the DUMP flag;
 *   <li>steady-state {@code vm_bind} ioctls of 1–16 ops mixing: partial UNMAPs inside a BO's region
 *       (which split VAs), identity re-MAPs over existing VAs (REMAP/UNMAP steps, {@code keep}),
 *       MAPs of another BO over existing VAs, whole-BO re-MAPs that toggle DUMP (msm's in-place
 *       remap), and sparse residency: MAP_NULL of 2–32 MiB sparse regions with 64 KiB tiles bound
 *       from BOs and unbound again (MAP_NULL or UNMAP);
 *   <li>{@code handle_close} of BOs, either after unmapping their region in the same action or
 *       before it (the region is then unmapped by a later ioctl, which frees the BO);
 *   <li>legacy contexts that create BOs, {@code get_iova} them (kernel-chosen address, repeat
 *       look-ups reuse the VMA) and close them again;
 *   <li>rare context churn: {@code file_close} of a context and a fresh {@code file_open}.
 * </ul>
 *
 * Live BOs per context hover around {@link Config#targetBos()}, so VM sizes stay stable and a long
 * trace is a steady state. The same config and seed always give the same trace.
 */
public final class TraceGenerator {
    /** The 4 KiB page. */
    public static final long PAGE = 0x1000L;

    /** Start of every context's VA window. */
    public static final long VA_START = 0x1_0000_0000L;

    /** Size of every context's VA window (1 TiB, inside the 48-bit GPU VA space). */
    public static final long VA_SIZE = 1L << 40;

    /** Smallest BO: one page. */
    public static final long MIN_BO = PAGE;

    /** Largest BO: 16 MiB. */
    public static final long MAX_BO = 16L << 20;

    /** Sparse tile size (the common 64 KiB sparse block). */
    public static final long TILE = 64L << 10;

    private final Config config;

    /**
     * One event of a trace with the arguments {@code InMemoryLedger.apply} takes.
     *
     * @param device the device id
     * @param seq the device's event sequence number (1, 2, ... per device)
     * @param ts the event time in ns (boxed once here, as a decoder would)
     * @param event the event
     */
    public record TracedEvent(String device, long seq, Long ts, Event event) {}

    /**
     * Knobs of the generator.
     *
     * @param devices number of devices
     * @param events total number of events over all devices
     * @param seed random seed
     * @param vmBindContexts VM_BIND contexts open per device at any time
     * @param legacyContexts legacy (kernel-managed VM) contexts per device
     * @param targetBos live BOs a VM_BIND context hovers around
     * @param targetSparse sparse regions a VM_BIND context hovers around
     * @param churn probability per action that a context is closed and replaced
     */
    public record Config(
            int devices,
            int events,
            long seed,
            int vmBindContexts,
            int legacyContexts,
            int targetBos,
            int targetSparse,
            double churn) {
        /**
         * The default realistic mix: 4 VM_BIND and 1 legacy context per device, ~48 live BOs each.
         */
        public static Config realistic(int devices, int events, long seed) {
            return new Config(devices, events, seed, 4, 1, 48, 3, 0.0002);
        }
    }

    /** A generator for {@code config}. */
    public TraceGenerator(Config config) {
        if (config.devices() < 1
                || config.events() < 0
                || config.vmBindContexts() < 1
                || config.legacyContexts() < 0) {
            throw new IllegalArgumentException("bad config " + config);
        }
        this.config = config;
    }

    /**
     * Generates the trace: exactly {@code config.events()} events, devices interleaved at random.
     */
    public List<TracedEvent> generate() {
        SplittableRandom rnd = new SplittableRandom(config.seed());
        DeviceGen[] devs = new DeviceGen[config.devices()];
        for (int i = 0; i < devs.length; i++) {
            devs[i] = new DeviceGen(String.format("gpu-%02d", i), rnd.split(), config);
        }
        List<TracedEvent> out = new ArrayList<>(config.events());
        while (out.size() < config.events()) {
            out.add(devs[rnd.nextInt(devs.length)].next());
        }
        return out;
    }

    /** A BO with an open handle in a VM_BIND context and its home region. */
    private static final class Bo {
        final long id;
        final long size;
        final Region home;

        Bo(long id, long size, Region home) {
            this.id = id;
            this.size = size;
            this.home = home;
        }
    }

    /** A VA region {@code [base, base + size)} handed out by {@link RegionAllocator}. */
    private record Region(long base, long size) {}

    /** Power-of-two regions (64 KiB and up) from a bump pointer, with free lists for reuse. */
    private static final class RegionAllocator {
        private final Map<Integer, ArrayDeque<Region>> free = new HashMap<>();
        private long next = VA_START;

        Region allocate(long size) {
            int shift = Math.max(16, 64 - Long.numberOfLeadingZeros(size - 1));
            ArrayDeque<Region> list = free.get(shift);
            if (list != null && !list.isEmpty()) {
                return list.pop();
            }
            long align = 1L << Math.min(shift, 21);
            long base = (next + align - 1) & -align;
            long len = 1L << shift;
            if (base + len > VA_START + VA_SIZE) {
                throw new IllegalStateException("VA window exhausted");
            }
            next = base + len;
            return new Region(base, len);
        }

        void release(Region r) {
            int shift = 63 - Long.numberOfLeadingZeros(r.size());
            free.computeIfAbsent(shift, k -> new ArrayDeque<>()).push(r);
        }
    }

    /** A VM_BIND context. */
    private static final class BindCtx {
        final long file;
        final long[] queues = {1, 2};
        final List<Bo> live = new ArrayList<>();

        /**
         * Regions whose BO handle is closed but which are still mapped: unmapped by a later ioctl.
         */
        final ArrayDeque<Region> zombies = new ArrayDeque<>();

        final List<Region> sparse = new ArrayList<>();
        final RegionAllocator alloc = new RegionAllocator();

        BindCtx(long file) {
            this.file = file;
        }
    }

    /** A legacy context: BOs with open handles, some of them mapped by get_iova. */
    private static final class LegacyCtx {
        final long file;
        final List<Long> live = new ArrayList<>();

        LegacyCtx(long file) {
            this.file = file;
        }
    }

    /** One device's generator: a queue of planned events and the model they were planned from. */
    private static final class DeviceGen {
        private static final String[] NAMES = {
            null,
            null,
            null,
            "vk-buffer",
            "vk-image",
            "cmdstream",
            "shader",
            "ubo",
            "ssbo",
            "descriptor",
            "query-pool",
            "ring"
        };
        private static final long[] FLAGS = {0, 0, 0, 0x4, 0x4, 0x2, 0x10000, 0x20000, 0x40000};

        private final String id;
        private final SplittableRandom r;
        private final Config c;
        private final ArrayDeque<Event> pending = new ArrayDeque<>();
        private final List<BindCtx> ctxs = new ArrayList<>();
        private final List<LegacyCtx> legacy = new ArrayList<>();
        private long seq;
        private long ts = 1_700_000_000_000_000_000L;
        private long nextFile = 1;
        private long nextBo = 1;

        DeviceGen(String id, SplittableRandom r, Config c) {
            this.id = id;
            this.r = r;
            this.c = c;
            for (int i = 0; i < c.vmBindContexts(); i++) {
                openBindCtx();
            }
            for (int i = 0; i < c.legacyContexts(); i++) {
                openLegacyCtx();
            }
        }

        TracedEvent next() {
            while (pending.isEmpty()) {
                step();
            }
            seq++;
            ts += 1_000 + r.nextInt(50_000);
            return new TracedEvent(id, seq, ts, pending.poll());
        }

        private void openBindCtx() {
            BindCtx ctx = new BindCtx(nextFile++);
            pending.add(new Event.FileOpen(ctx.file, true, VA_START, VA_SIZE, true));
            for (long q : ctx.queues) {
                pending.add(new Event.SubmitqueueNew(ctx.file, q, true));
            }
            ctxs.add(ctx);
        }

        private void openLegacyCtx() {
            LegacyCtx ctx = new LegacyCtx(nextFile++);
            pending.add(new Event.FileOpen(ctx.file, false, VA_START, VA_SIZE, false));
            legacy.add(ctx);
        }

        /** Plans one action: appends one or more events to {@code pending}. */
        private void step() {
            if (r.nextDouble() < c.churn()) {
                churn();
                return;
            }
            if (!legacy.isEmpty() && r.nextDouble() < 0.06) {
                legacyStep(legacy.get(r.nextInt(legacy.size())));
                return;
            }
            BindCtx ctx = ctxs.get(r.nextInt(ctxs.size()));
            int target = c.targetBos();
            if (ctx.live.size() < target / 2) {
                newBo(ctx);
                return;
            }
            double roll = r.nextDouble();
            if (roll < 0.12) {
                if (ctx.live.size() < target * 3 / 2) {
                    newBo(ctx);
                } else {
                    freeBo(ctx);
                }
            } else if (roll < 0.24) {
                if (ctx.live.size() > target / 2) {
                    freeBo(ctx);
                } else {
                    newBo(ctx);
                }
            } else if (roll < 0.26) {
                if (ctx.sparse.size() < c.targetSparse()) {
                    newSparse(ctx);
                } else {
                    freeSparse(ctx);
                }
            } else {
                bind(ctx, new ArrayList<>(), opCount());
            }
        }

        /** Ops per steady-state ioctl: mostly 1, often 2–4, sometimes 5–16. */
        private int opCount() {
            double x = r.nextDouble();
            if (x < 0.55) {
                return 1;
            }
            if (x < 0.85) {
                return 2 + r.nextInt(3);
            }
            return 5 + r.nextInt(12);
        }

        private void churn() {
            if (!legacy.isEmpty() && r.nextDouble() < 0.2) {
                LegacyCtx old = legacy.remove(r.nextInt(legacy.size()));
                pending.add(new Event.FileClose(old.file));
                openLegacyCtx();
                return;
            }
            BindCtx old = ctxs.remove(r.nextInt(ctxs.size()));
            pending.add(new Event.FileClose(old.file));
            openBindCtx();
        }

        private long boSize() {
            int exp = r.nextInt(13);
            long pages = (1L << exp) + r.nextLong(1L << exp);
            return Math.min(pages * PAGE, MAX_BO);
        }

        private long boFlags() {
            return FLAGS[r.nextInt(FLAGS.length)];
        }

        private long dumpFlag() {
            return r.nextDouble() < 0.15 ? VmBindOp.FLAG_DUMP : 0;
        }

        private long queue(BindCtx ctx) {
            return ctx.queues[r.nextInt(ctx.queues.length)];
        }

        /**
         * bo_new plus its initial vm_bind (whole BO or sub-allocated chunks), sometimes with more
         * ops.
         */
        private void newBo(BindCtx ctx) {
            long size = boSize();
            Bo bo = new Bo(nextBo++, size, ctx.alloc.allocate(size));
            pending.add(
                    new Event.BoNew(
                            ctx.file, bo.id, size, boFlags(), NAMES[r.nextInt(NAMES.length)]));
            List<VmBindOp> ops = new ArrayList<>();
            long pages = size / PAGE;
            if (pages < 2 || r.nextBoolean()) {
                ops.add(new VmBindOp(VmBindOp.MAP, bo.id, 0, bo.home.base(), size, dumpFlag()));
            } else {
                int chunks = (int) Math.min(pages, 2 + r.nextInt(7));
                long[] cuts = new long[chunks + 1];
                cuts[chunks] = pages;
                for (int i = 1; i < chunks; i++) {
                    long lo = cuts[i - 1] + 1;
                    long hi = pages - (chunks - i);
                    cuts[i] = lo + r.nextLong(hi - lo + 1);
                }
                long dump = dumpFlag();
                for (int i = 0; i < chunks; i++) {
                    long off = cuts[i] * PAGE;
                    ops.add(
                            new VmBindOp(
                                    VmBindOp.MAP,
                                    bo.id,
                                    off,
                                    bo.home.base() + off,
                                    (cuts[i + 1] - cuts[i]) * PAGE,
                                    dump));
                }
            }
            ctx.live.add(bo);
            int extra = r.nextDouble() < 0.25 ? 1 + r.nextInt(3) : 0;
            bind(ctx, ops, extra);
        }

        /** handle_close of a BO: its region unmapped first, or left mapped for a later ioctl. */
        private void freeBo(BindCtx ctx) {
            if (ctx.live.isEmpty()) {
                newBo(ctx);
                return;
            }
            Bo bo = ctx.live.remove(r.nextInt(ctx.live.size()));
            if (r.nextBoolean()) {
                List<VmBindOp> ops = new ArrayList<>();
                ops.add(unmap(bo.home.base(), bo.home.size()));
                bind(ctx, ops, 0);
                ctx.alloc.release(bo.home);
                pending.add(new Event.HandleClose(ctx.file, bo.id));
            } else {
                pending.add(new Event.HandleClose(ctx.file, bo.id));
                ctx.zombies.add(bo.home);
            }
        }

        /** A sparse region: MAP_NULL of 2–32 MiB. */
        private void newSparse(BindCtx ctx) {
            Region reg = ctx.alloc.allocate((2L << 20) << r.nextInt(5));
            ctx.sparse.add(reg);
            List<VmBindOp> ops = new ArrayList<>();
            ops.add(new VmBindOp(VmBindOp.MAP_NULL, null, 0, reg.base(), reg.size(), 0));
            bind(ctx, ops, r.nextDouble() < 0.5 ? 1 + r.nextInt(8) : 0);
        }

        private void freeSparse(BindCtx ctx) {
            Region reg = ctx.sparse.remove(r.nextInt(ctx.sparse.size()));
            List<VmBindOp> ops = new ArrayList<>();
            ops.add(unmap(reg.base(), reg.size()));
            bind(ctx, ops, 0);
            ctx.alloc.release(reg);
        }

        /**
         * One vm_bind ioctl: {@code ops} plus {@code extra} random steady-state ops, plus the unmap
         * of the oldest zombie region now and then.
         */
        private void bind(BindCtx ctx, List<VmBindOp> ops, int extra) {
            for (int i = 0; i < extra; i++) {
                VmBindOp op = randomOp(ctx);
                if (op != null) {
                    ops.add(op);
                }
            }
            if (!ctx.zombies.isEmpty() && (r.nextDouble() < 0.3 || ctx.zombies.size() > 8)) {
                Region z = ctx.zombies.poll();
                ops.add(r.nextInt(ops.size() + 1), unmap(z.base(), z.size()));
                ctx.alloc.release(z);
            }
            if (ops.isEmpty()) {
                if (ctx.live.isEmpty()) {
                    newBo(ctx);
                    return;
                }
                Bo bo = pick(ctx);
                ops.add(new VmBindOp(VmBindOp.MAP, bo.id, 0, bo.home.base(), bo.size, dumpFlag()));
            }
            pending.add(
                    new Event.VmBind(
                            ctx.file, queue(ctx), r.nextInt(4) == 0 ? 0x2 : 0, List.copyOf(ops)));
        }

        private Bo pick(BindCtx ctx) {
            return ctx.live.get(r.nextInt(ctx.live.size()));
        }

        /** One steady-state op, or null when the context has nothing it applies to. */
        private VmBindOp randomOp(BindCtx ctx) {
            if (ctx.live.isEmpty()) {
                return null;
            }
            double x = r.nextDouble();
            boolean sparse = !ctx.sparse.isEmpty();
            if (sparse && x < 0.15) {
                return tileBind(ctx);
            }
            if (sparse && x < 0.25) {
                Region reg = ctx.sparse.get(r.nextInt(ctx.sparse.size()));
                long tile = reg.base() + r.nextLong(reg.size() / TILE) * TILE;
                long len = TILE * (1 + r.nextInt(2));
                len = Math.min(len, reg.base() + reg.size() - tile);
                return r.nextInt(4) == 0
                        ? unmap(tile, len)
                        : new VmBindOp(VmBindOp.MAP_NULL, null, 0, tile, len, 0);
            }
            Bo bo = pick(ctx);
            long pages = bo.size / PAGE;
            x = r.nextDouble();
            if (x < 0.35) {
                // partial unmap, strictly inside the BO when it can be: splits a VA
                long start = pages >= 3 ? 1 + r.nextLong(pages - 2) : r.nextLong(pages);
                long maxLen = pages >= 3 ? pages - 1 - start : pages - start;
                long len = 1 + r.nextLong(Math.max(1, Math.min(maxLen, 64)));
                return unmap(bo.home.base() + start * PAGE, len * PAGE);
            }
            if (x < 0.65) {
                // identity re-map of a sub-range: fills holes, REMAP/UNMAP(keep) over existing VAs
                long start = r.nextLong(pages);
                long len = 1 + r.nextLong(Math.min(pages - start, 256));
                return new VmBindOp(
                        VmBindOp.MAP,
                        bo.id,
                        start * PAGE,
                        bo.home.base() + start * PAGE,
                        len * PAGE,
                        dumpFlag());
            }
            if (x < 0.85) {
                // another BO mapped over part of this one's region
                Bo other = pick(ctx);
                long maxLen = Math.min(pages, other.size / PAGE);
                long len = 1 + r.nextLong(Math.min(maxLen, 64));
                long at = r.nextLong(pages - len + 1);
                long off = r.nextLong(other.size / PAGE - len + 1);
                return new VmBindOp(
                        VmBindOp.MAP,
                        other.id,
                        off * PAGE,
                        bo.home.base() + at * PAGE,
                        len * PAGE,
                        dumpFlag());
            }
            // whole-BO re-map toggling DUMP: msm's in-place remap when a single VA still covers it
            return new VmBindOp(
                    VmBindOp.MAP,
                    bo.id,
                    0,
                    bo.home.base(),
                    bo.size,
                    r.nextBoolean() ? VmBindOp.FLAG_DUMP : 0);
        }

        /** A 64 KiB tile of a BO bound into a sparse region. */
        private VmBindOp tileBind(BindCtx ctx) {
            Region reg = ctx.sparse.get(r.nextInt(ctx.sparse.size()));
            Bo bo = pick(ctx);
            if (bo.size < TILE) {
                return new VmBindOp(
                        VmBindOp.MAP,
                        bo.id,
                        0,
                        reg.base() + r.nextLong(reg.size() / TILE) * TILE,
                        bo.size,
                        0);
            }
            long tile = reg.base() + r.nextLong(reg.size() / TILE) * TILE;
            long off = r.nextLong(bo.size / TILE) * TILE;
            return new VmBindOp(VmBindOp.MAP, bo.id, off, tile, TILE, dumpFlag());
        }

        private static VmBindOp unmap(long iova, long range) {
            return new VmBindOp(VmBindOp.UNMAP, null, 0, iova, range, 0);
        }

        /** Legacy context: new BO + get_iova, a repeat get_iova, or a handle_close. */
        private void legacyStep(LegacyCtx ctx) {
            double x = r.nextDouble();
            if (ctx.live.size() < 8 || (x < 0.4 && ctx.live.size() < 24)) {
                long bo = nextBo++;
                long size = Math.min(boSize(), 1L << 20);
                pending.add(
                        new Event.BoNew(
                                ctx.file, bo, size, boFlags(), NAMES[r.nextInt(NAMES.length)]));
                pending.add(new Event.GetIova(ctx.file, bo, null));
                ctx.live.add(bo);
            } else if (x < 0.7) {
                pending.add(
                        new Event.GetIova(
                                ctx.file, ctx.live.get(r.nextInt(ctx.live.size())), null));
            } else {
                pending.add(
                        new Event.HandleClose(
                                ctx.file, ctx.live.remove(r.nextInt(ctx.live.size()))));
            }
        }
    }
}
