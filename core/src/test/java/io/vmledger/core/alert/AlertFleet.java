package io.vmledger.core.alert;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeSet;

/**
 * A tiny seeded fleet workload for the alert tests, standing in for the fleet simulator: per device
 * a compositor flipping three scanout buffers at 30 Hz and a few VM_BIND apps that create, map,
 * vmap, export, unmap and close BOs in short bursts (VA packed per size class and reused, every
 * pin, vmap and dma-buf released within 3 s, every BO mapped in the burst that creates it), apps
 * that exit with mappings left and new ones that start. With {@code bugs} each device gets the
 * simulator's five bug kinds once, 20 s into its run, labelled with the rule that must catch them.
 * Events are merged by time over the devices, as a live fleet stream.
 */
final class AlertFleet {
    /** One event of one device. */
    record Line(String device, long seq, long ts, Event event) {}

    /** A ground-truth label: an injected bug and the rule expected to catch it. */
    record Truth(
            String kind,
            String device,
            long seq,
            long ts,
            Long bo,
            Long vm,
            Long fb,
            AlertRule rule) {}

    static final long START = 1_767_225_600_000_000L;
    private static final long S = AlertThresholds.SECOND_US;
    private static final long PAGE = 0x1000;
    private static final long VA = 0x100000000L;
    private static final long GIB = 1L << 30;
    private static final long[] SIZES = {
        PAGE, 4 * PAGE, 16 * PAGE, 64 * PAGE, 256 * PAGE, 1024 * PAGE
    };
    private static final int MAX_LIVE = 24;

    final List<Line> lines = new ArrayList<>();
    final List<Truth> truths = new ArrayList<>();

    AlertFleet(long seed, int devices, long seconds, boolean bugs) {
        Random random = new Random(seed);
        for (int d = 0; d < devices; d++) {
            new Device(
                            "dev-" + d,
                            random.nextLong(),
                            START + random.nextInt(1000) * 1000L,
                            seconds,
                            bugs)
                    .run();
        }
        lines.sort(
                Comparator.comparingLong(Line::ts)
                        .thenComparing(Line::device)
                        .thenComparingLong(Line::seq));
    }

    private final class Device {
        private final String id;
        private final Random random;
        private final long end;
        private final boolean bugs;
        private final PriorityQueue<long[]> pending =
                new PriorityQueue<>(Comparator.comparingLong(p -> p[0]));
        private final List<App> apps = new ArrayList<>();
        private long now;
        private long seq;
        private long nextBo = 1;
        private long nextFile = 2;
        private long nextDmabuf = 1;
        private long flip;
        private long nextFlip;

        Device(String id, long seed, long start, long seconds, boolean bugs) {
            this.id = id;
            this.random = new Random(seed);
            this.now = start;
            this.end = start + seconds * S;
            this.bugs = bugs;
        }

        void run() {
            emit(new Event.KmsVm(0x1000000, 0xfff000000L));
            emit(new Event.FileOpen(1, false, VA, 0xffff00000000L, true));
            for (long fb = 1; fb <= 3; fb++) {
                emit(new Event.BoNew(1, nextBo, 8L << 20, 1, "scanout" + fb));
                nextBo++;
            }
            for (int i = 0; i < 3; i++) {
                apps.add(newApp(i == 0));
            }
            long bugAt = now + 20 * S;
            boolean injected = false;
            nextFlip = now;
            while (now < end) {
                now += 1 + (long) (-Math.log(1 - random.nextDouble()) * 15_000);
                if (bugs && !injected && now >= bugAt) {
                    injectBugs();
                    injected = true;
                } else if (!pending.isEmpty() && pending.peek()[0] <= now) {
                    release(pending.poll());
                } else if (now >= nextFlip) {
                    flip();
                } else {
                    act(apps.get(random.nextInt(apps.size())));
                }
            }
        }

        private App newApp(boolean longLived) {
            App a = new App(nextFile++, longLived);
            emit(new Event.FileOpen(a.file, true, VA, 0xffff00000000L, true));
            emit(new Event.SubmitqueueNew(a.file, 1, true));
            return a;
        }

        /** The compositor: prepare the next scanout buffer, clean up the previous one. */
        private void flip() {
            long next = flip % 3 + 1;
            emit(new Event.FbPrepare(next, List.of(next), null));
            if (flip > 0) {
                emit(new Event.FbCleanup((flip - 1) % 3 + 1));
            }
            flip++;
            nextFlip = now + S / 30;
        }

        private void act(App a) {
            int r = random.nextInt(100);
            if (r < 40 || a.live.isEmpty()) {
                if (a.live.size() >= MAX_LIVE) {
                    free(a, a.live.pollFirst());
                } else {
                    create(a);
                }
            } else if (r < 75) {
                free(a, a.live.pollFirst());
            } else if (r < 87) {
                long bo = a.live.peekLast().bo;
                emit(new Event.Vmap(bo));
                pending.add(new long[] {now + randomUs(3 * S), 0, bo});
            } else if (r < 97) {
                Bo b = a.live.peekLast();
                if (!b.exported) {
                    b.exported = true;
                    long dmabuf = nextDmabuf++;
                    emit(new Event.DmabufExport(b.bo, dmabuf, a.file));
                    pending.add(new long[] {now + randomUs(3 * S), 1, dmabuf});
                }
            } else if (!a.longLived && random.nextInt(20) == 0) {
                emit(new Event.FileClose(a.file));
                apps.set(apps.indexOf(a), newApp(false));
            }
        }

        private long randomUs(long max) {
            return 1 + (long) (random.nextDouble() * max);
        }

        /**
         * vunmap ({@code [ts, 0, bo]}) or dma-buf release ({@code [ts, 1, dmabuf]}) that came due.
         */
        private void release(long[] p) {
            emit(p[1] == 0 ? new Event.Vunmap(p[2]) : new Event.DmabufRelease(p[2]));
        }

        private void create(App a) {
            int cls = random.nextInt(SIZES.length);
            long size = SIZES[cls];
            long bo = nextBo++;
            long slot = a.slot(cls);
            emit(new Event.BoNew(a.file, bo, size, 0, null));
            long iova = VA + cls * GIB + slot * size;
            emit(
                    new Event.VmBind(
                            a.file,
                            1,
                            0,
                            List.of(new VmBindOp(VmBindOp.MAP, bo, 0, iova, size, 0))));
            a.live.addLast(new Bo(bo, cls, slot, iova, size));
        }

        private void free(App a, Bo b) {
            emit(
                    new Event.VmBind(
                            a.file,
                            1,
                            0,
                            List.of(new VmBindOp(VmBindOp.UNMAP, null, 0, b.iova, b.size, 0))));
            emit(new Event.HandleClose(a.file, b.bo));
            a.free.get(b.cls).add(b.slot);
        }

        /**
         * The simulator's five bug kinds: on the long-lived app, the compositor, and a new app with
         * sparse mappings.
         */
        private void injectBugs() {
            App a = apps.get(0);
            Bo kept = create(a, "handle_leak");
            emit(
                    new Event.VmBind(
                            a.file,
                            1,
                            0,
                            List.of(
                                    new VmBindOp(
                                            VmBindOp.UNMAP, null, 0, kept.iova, kept.size, 0))));
            a.free.get(kept.cls).add(kept.slot);
            truth("handle_leak", kept.bo, null, null, AlertRule.HANDLE_LEAK);

            long bo = nextBo++;
            emit(new Event.BoNew(1, bo, 8L << 20, 1, "leaked-fb"));
            emit(new Event.FbPrepare(100, List.of(bo), null));
            truth("pin_leak", bo, 0L, 100L, AlertRule.PIN_LEAK);

            Bo vmapped = create(a, "vmap_leak");
            a.live.addLast(vmapped);
            emit(new Event.Vmap(vmapped.bo));
            truth("vmap_leak", vmapped.bo, null, null, AlertRule.VMAP_LEAK);

            Bo orphan = create(a, "mapping_only_bo");
            emit(new Event.HandleClose(a.file, orphan.bo));
            truth("mapping_only_bo", orphan.bo, a.file, null, AlertRule.BO_KEPT_BY_MAPPINGS);

            App sparseApp = newApp(true);
            long sparse = nextBo++;
            emit(new Event.BoNew(sparseApp.file, sparse, PAGE, 0, "sparse"));
            List<VmBindOp> ops = new ArrayList<>();
            for (int i = 0; i < 128; i++) {
                ops.add(new VmBindOp(VmBindOp.MAP, sparse, 0, VA + i * 0x200000L, PAGE, 0));
            }
            emit(new Event.VmBind(sparseApp.file, 1, 0, ops));
            truth("pagetable_bloat", null, sparseApp.file, null, AlertRule.PAGETABLE_BLOAT);
        }

        /** A new BO of the long-lived app, mapped, not in its live set (the bug owns it). */
        private Bo create(App a, String name) {
            long bo = nextBo++;
            long slot = a.slot(0);
            long iova = VA + slot * PAGE;
            emit(new Event.BoNew(a.file, bo, PAGE, 0, name));
            emit(
                    new Event.VmBind(
                            a.file,
                            1,
                            0,
                            List.of(new VmBindOp(VmBindOp.MAP, bo, 0, iova, PAGE, 0))));
            return new Bo(bo, 0, slot, iova, PAGE);
        }

        private void truth(String kind, Long bo, Long vm, Long fb, AlertRule rule) {
            truths.add(new Truth(kind, id, seq, now, bo, vm, fb, rule));
        }

        private void emit(Event e) {
            lines.add(new Line(id, ++seq, now, e));
        }
    }

    /** A VM_BIND app: its file (= VM), live BOs oldest first, and free VA slots per size class. */
    private static final class App {
        final long file;
        final boolean longLived;
        final Deque<Bo> live = new ArrayDeque<>();
        final List<TreeSet<Long>> free = new ArrayList<>();
        final long[] used = new long[SIZES.length];

        App(long file, boolean longLived) {
            this.file = file;
            this.longLived = longLived;
            for (int i = 0; i < SIZES.length; i++) {
                free.add(new TreeSet<>());
            }
        }

        /** The lowest free slot of size class {@code cls}: VA stays packed. */
        long slot(int cls) {
            Long s = free.get(cls).pollFirst();
            return s != null ? s : used[cls]++;
        }
    }

    private static final class Bo {
        final long bo;
        final int cls;
        final long slot;
        final long iova;
        final long size;
        boolean exported;

        Bo(long bo, int cls, long slot, long iova, long size) {
            this.bo = bo;
            this.cls = cls;
            this.slot = slot;
            this.iova = iova;
            this.size = size;
        }
    }
}
