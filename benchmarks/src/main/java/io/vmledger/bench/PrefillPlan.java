package io.vmledger.bench;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The events that build a VM pre-filled with {@code n} VAs, and the measured MAP/UNMAP pairs on it,
 * shared by {@link FoldBenchmark#mapUnmapPair} and {@link OpCountProbe}.
 *
 * <p>One VM_BIND context (file {@value #FILE}, queue {@value #QUEUE}, PRR) with one 4 KiB BO; VA
 * {@code i} maps page 0 of that BO at {@code BASE + i * 8 KiB}, i.e. on every other page, created
 * by multi-op ioctls of {@value #OPS_PER_FILL_IOCTL} MAPs. The page after each VA is free: a pair
 * maps one such free page and unmaps it again, so the VM is back to {@code n} VAs afterwards.
 */
public final class PrefillPlan {
    /** The device of the pre-filled VM. */
    public static final String DEVICE = "gpu-00";

    /** The VM_BIND context (and vm id). */
    public static final long FILE = 1;

    /** Its VM_BIND submitqueue. */
    public static final long QUEUE = 1;

    /** The one BO. */
    public static final long BO = 1;

    /** Address of VA 0. */
    public static final long BASE = TraceGenerator.VA_START;

    /** Distance between two pre-filled VAs: every other page. */
    public static final long STRIDE = 2 * TraceGenerator.PAGE;

    /** MAP ops per pre-fill ioctl. */
    public static final int OPS_PER_FILL_IOCTL = 8192;

    private PrefillPlan() {}

    /**
     * file_open, submitqueue_new, bo_new, then the pre-fill vm_binds for {@code n} VAs, in order.
     */
    public static List<Event> setup(int n) {
        List<Event> out = new ArrayList<>();
        out.add(
                new Event.FileOpen(
                        FILE, true, TraceGenerator.VA_START, TraceGenerator.VA_SIZE, true));
        out.add(new Event.SubmitqueueNew(FILE, QUEUE, true));
        out.add(new Event.BoNew(FILE, BO, TraceGenerator.PAGE, 0, "fill"));
        List<VmBindOp> ops = new ArrayList<>(OPS_PER_FILL_IOCTL);
        for (int i = 0; i < n; i++) {
            ops.add(new VmBindOp(VmBindOp.MAP, BO, 0, BASE + i * STRIDE, TraceGenerator.PAGE, 0));
            if (ops.size() == OPS_PER_FILL_IOCTL || i == n - 1) {
                out.add(new Event.VmBind(FILE, QUEUE, 0, List.copyOf(ops)));
                ops.clear();
            }
        }
        return out;
    }

    /**
     * {@code count} MAP ioctls ({@code [0]}) and matching UNMAP ioctls ({@code [1]}) of random free
     * pages between the {@code n} pre-filled VAs; seeded by {@code n}.
     */
    public static Event.VmBind[][] pairs(int n, int count) {
        SplittableRandom rnd = new SplittableRandom(n);
        Event.VmBind[][] out = new Event.VmBind[2][count];
        for (int i = 0; i < count; i++) {
            long hole = BASE + rnd.nextInt(n) * STRIDE + TraceGenerator.PAGE;
            out[0][i] =
                    new Event.VmBind(
                            FILE,
                            QUEUE,
                            0,
                            List.of(
                                    new VmBindOp(
                                            VmBindOp.MAP, BO, 0, hole, TraceGenerator.PAGE, 0)));
            out[1][i] =
                    new Event.VmBind(
                            FILE,
                            QUEUE,
                            0,
                            List.of(
                                    new VmBindOp(
                                            VmBindOp.UNMAP,
                                            null,
                                            0,
                                            hole,
                                            TraceGenerator.PAGE,
                                            0)));
        }
        return out;
    }
}
