package io.vmledger.producer.sim;

import io.vmledger.schema.VmEvent;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One simulated device: its clock, its seq counter, the ids it hands out, its workloads and the
 * bugs it will make. Events come out in device order with non-decreasing ts; each device has its
 * own {@link SplittableRandom} seeded from the fleet seed and its index, so its stream is the same
 * whatever the other devices do.
 *
 * <p>A device runs the display VM, a compositor, a resident system UI (a long-lived Vulkan process,
 * which also carries the injected process bugs) and a launcher that starts and lets die Vulkan and
 * GL applications.
 */
final class DeviceSim {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /**
     * The kernel release simulated devices report. Even devices are an Adreno 630 (chip id 6.3.0.2,
     * revn 630), odd ones an Adreno 740 (chip id 67.5.10.1, which the kernel catalogues without a
     * revn): the two families crashdec decodes differently.
     */
    static final String KERNEL = "6.18.0-vmledger-sim";

    /**
     * Bugs are injected in this part of the expected run, so the device runs on long after them.
     */
    private static final double BUG_WINDOW_FROM = 0.05;

    private static final double BUG_WINDOW_TO = 0.25;
    private static final long BUG_EARLIEST = 3_000_000L;

    private final String name;
    private final SplittableRandom rng;
    private final double invalidRate;

    /** When each bug this device carries is due (device time); removed once injected. */
    private final Map<BugKind, Long> bugsDue = new EnumMap<>(BugKind.class);

    private final ArrayDeque<SimEvent> pending = new ArrayDeque<>();

    /** Client buffers offered to the compositor, and those whose client went away, in order. */
    private final ArrayDeque<SharedBuffer> offered = new ArrayDeque<>();

    private final ArrayDeque<SharedBuffer> withdrawn = new ArrayDeque<>();
    private final PriorityQueue<Queued> workloads =
            new PriorityQueue<>(
                    Comparator.comparingLong((Queued q) -> q.workload.wake)
                            .thenComparingLong(q -> q.order));
    private long nextOrder;
    private long now;
    private long seq;
    private long nextFile = 1;
    private long nextBo = 1;
    private long nextDmabuf = 1;
    private long nextFb = 40;
    private int apps;

    private record Queued(Workload workload, long order) {}

    DeviceSim(int index, SimConfig config) {
        this.name = SimConfig.deviceName(index);
        this.rng = new SplittableRandom(mix(config.seed() + GOLDEN * (index + 1L)));
        this.invalidRate = config.invalidRate();
        this.now = config.startMicros() + rng.nextLong(1_000_000L);
        long span = config.expectedSpanMicros();
        for (BugKind kind : BugKind.leaks()) {
            double at = BUG_WINDOW_FROM + rng.nextDouble() * (BUG_WINDOW_TO - BUG_WINDOW_FROM);
            if (rng.nextDouble() < config.bugRate()) {
                bugsDue.put(kind, now + Math.max(BUG_EARLIEST, (long) (at * span)));
            }
        }
        emit(
                index % 2 == 0
                        ? Payloads.deviceInfo(0x06030002L, 630, "Adreno 630", KERNEL)
                        : Payloads.deviceInfo(0x43050a01L, 0, "Adreno 740", KERNEL));
        emit(Payloads.kmsVm());
        add(new Compositor(now));
        add(new VulkanApp(now + 200_000, VulkanApp.Kind.RESIDENT));
        add(new Launcher(now + 1_000_000));
    }

    /** The device id, e.g. {@code dev-00042}. */
    String name() {
        return name;
    }

    /** The next event of this device, generated on demand (a device never runs out). */
    SimEvent peek() {
        while (pending.isEmpty()) {
            Queued q = workloads.poll();
            Workload w = q.workload;
            now = Math.max(now, w.wake);
            w.step(this);
            if (!w.finished) {
                workloads.add(new Queued(w, q.order));
            } else if (w.isApp()) {
                apps--;
            }
        }
        return pending.peek();
    }

    /** Removes and returns the next event. */
    SimEvent take() {
        peek();
        return pending.poll();
    }

    // ---- for workloads ----

    SplittableRandom rng() {
        return rng;
    }

    long now() {
        return now;
    }

    /**
     * Lets {@code micros} of device time pass inside a burst (e.g. between two ioctls of a
     * process).
     */
    void advance(long micros) {
        now += micros;
    }

    long newFile() {
        return nextFile++;
    }

    long newBo() {
        return nextBo++;
    }

    long newDmabuf() {
        return nextDmabuf++;
    }

    long newFb() {
        return nextFb++;
    }

    /** Starts a workload; apps count against the launcher's limit until they finish. */
    void add(Workload w) {
        if (w.isApp()) {
            apps++;
        }
        workloads.add(new Queued(w, nextOrder++));
    }

    /** Running application processes. */
    int apps() {
        return apps;
    }

    /** An application hands {@code b} to the compositor. */
    void offer(SharedBuffer b) {
        offered.add(b);
    }

    /** The application that offered {@code b} went away. */
    void withdraw(SharedBuffer b) {
        withdrawn.add(b);
    }

    /** The oldest buffer offered and not yet taken by the compositor, or null. */
    SharedBuffer nextOffer() {
        return offered.poll();
    }

    /** The oldest withdrawal not yet handled by the compositor, or null. */
    SharedBuffer nextWithdrawal() {
        return withdrawn.poll();
    }

    /** True when the caller should issue one deliberately invalid ioctl in this step. */
    boolean invalidDue() {
        return invalidRate > 0 && rng.nextDouble() < invalidRate;
    }

    /**
     * True (once) when this device carries {@code kind} and its time has come: the caller injects
     * it now.
     */
    boolean takeBug(BugKind kind) {
        Long due = bugsDue.get(kind);
        if (due == null || now < due) {
            return false;
        }
        bugsDue.remove(kind);
        return true;
    }

    /** Emits a valid event at the device clock. */
    void emit(Object payload) {
        emit(payload, null, null, null, null, null);
    }

    /** Emits the event that makes bug {@code kind}, labelled with the objects concerned. */
    void emitBug(Object payload, BugKind kind, Long bo, Long vm, Long fb) {
        emit(payload, kind, bo, vm, fb, null);
    }

    /** Emits a deliberately invalid ioctl that the kernel rejects with {@code errno}. */
    void emitInvalid(Object payload, String errno, Long bo, Long vm) {
        emit(payload, BugKind.INVALID, bo, vm, null, errno);
    }

    private void emit(Object payload, BugKind kind, Long bo, Long vm, Long fb, String errno) {
        long s = ++seq;
        VmEvent e = new VmEvent(name, s, now, payload);
        pending.add(
                new SimEvent(
                        e,
                        kind == null
                                ? null
                                : new GroundTruth(kind, name, s, now, bo, vm, fb, errno)));
        now += 2 + rng.nextInt(30);
    }

    /**
     * A bijective 64-bit mix (SplitMix64's finaliser) so neighbouring indices get unrelated seeds.
     */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
