package io.vmledger.producer.sim;

import io.vmledger.schema.Madv;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A legacy OpenGL process on a kernel-managed VM, the way Mesa's freedreno drives msm: every BO
 * gets its GPU address from {@code MSM_INFO_GET_IOVA} (the kernel places it), and closing the last
 * handle tears the VMA down implicitly. Freed BOs go to a userspace BO cache first ({@code madvise
 * dontneed}); a cached BO is reused within a second or two ({@code madvise willneed}) or really
 * closed; now and then the shrinker purges a cached BO, which the driver notices on its next
 * willneed and closes. Faults and hangs capture a devcoredump (a short vmap of the command stream);
 * a hang does not make a kernel-managed VM unusable, but the process usually gives up. It exits
 * with {@code file_close}, its mappings still in place.
 */
final class GlApp extends Workload {
    private static final long KIB = 1024;
    private static final long[] SIZES = {16 * KIB, 64 * KIB, 256 * KIB, 1024 * KIB, 4096 * KIB};
    private static final String[] NAMES = {"glvbo", "gltex", "glubo", "glrt"};
    private static final long CACHE_MICROS = 1_500_000;
    private static final int MAX_LIVE = 40;

    /**
     * A BO of this process: live, or in the BO cache since {@code cachedAt} (possibly purged
     * meanwhile).
     */
    private static final class Buffer {
        final long bo;
        final long size;
        long cachedAt = -1;
        boolean purged;

        Buffer(long bo, long size) {
            this.bo = bo;
            this.size = size;
        }
    }

    private final long lifetime;
    private final List<Buffer> live = new ArrayList<>();
    private final List<Buffer> cache = new ArrayList<>();
    private long file;
    private long cmdstream;
    private long deathTime;
    private boolean started;
    private boolean dying;

    GlApp(long wake, long lifetime) {
        super(wake);
        this.lifetime = lifetime;
    }

    @Override
    boolean isApp() {
        return true;
    }

    @Override
    void step(DeviceSim d) {
        SplittableRandom rng = d.rng();
        if (!started) {
            start(d);
        } else if (dying || d.now() >= deathTime) {
            d.emit(Payloads.fileClose(file));
            finished = true;
            return;
        } else {
            expireCache(d);
            submit(d, file, table());
            act(d);
            if (d.invalidDue()) {
                invalid(d);
            }
            if (!dying) {
                retire(d, file);
            }
        }
        if (!dying) {
            wake = d.now() + 30_000 + rng.nextLong(300_000);
        }
    }

    private void start(DeviceSim d) {
        started = true;
        file = d.newFile();
        deathTime = d.now() + lifetime;
        d.emit(Payloads.fileOpen(file, false));
        cmdstream = d.newBo();
        d.emit(
                Payloads.boNew(
                        file,
                        cmdstream,
                        64 * KIB,
                        Payloads.BO_WC | Payloads.BO_GPU_READONLY,
                        "glcmdstream"));
        d.emit(Payloads.getIova(file, cmdstream));
        for (int i = 0; i < 3; i++) {
            allocate(d);
        }
    }

    private void act(DeviceSim d) {
        SplittableRandom rng = d.rng();
        int roll = rng.nextInt(100);
        if (roll < 40 && live.size() < MAX_LIVE) {
            allocate(d);
        } else if (roll < 80 && !live.isEmpty()) {
            Buffer b = live.remove(rng.nextInt(live.size()));
            if (rng.nextInt(3) == 0) {
                d.emit(Payloads.handleClose(file, b.bo));
            } else {
                d.emit(Payloads.madvise(b.bo, Madv.dontneed));
                b.cachedAt = d.now();
                cache.add(b);
            }
        } else if (roll < 84 && !cache.isEmpty()) {
            Buffer b = cache.get(rng.nextInt(cache.size()));
            if (!b.purged) {
                d.emit(Payloads.madvise(b.bo, Madv.purged));
                b.purged = true;
            }
        } else if (roll == 90 && rng.nextInt(4) == 0) {
            d.emit(
                    Payloads.fault(
                            file, Payloads.VM_START + (3L << 40), rng.nextBoolean(), "CP", submit));
            capture(d);
        } else if (roll == 91 && rng.nextInt(20) == 0) {
            d.emit(Payloads.hang(file, submit));
            capture(d);
            dying = rng.nextInt(4) > 0;
            wake = d.now() + 5_000 + rng.nextLong(100_000);
        }
    }

    /**
     * The BO table of this step's submit, as freedreno builds it: the command stream first (read,
     * DUMP so a devcoredump carries it), then every live buffer (read and write), at most 8.
     */
    private List<io.vmledger.schema.SubmitBo> table() {
        List<io.vmledger.schema.SubmitBo> bos = new ArrayList<>(9);
        bos.add(Payloads.submitBo(cmdstream, Payloads.SUBMIT_READ | Payloads.SUBMIT_DUMP));
        for (int i = 0; i < live.size() && i < 8; i++) {
            bos.add(
                    Payloads.submitBo(
                            live.get(i).bo, Payloads.SUBMIT_READ | Payloads.SUBMIT_WRITE));
        }
        return bos;
    }

    /** A new BO, or one from the cache when one of the size is there and still has its pages. */
    private void allocate(DeviceSim d) {
        SplittableRandom rng = d.rng();
        long size = SIZES[rng.nextInt(SIZES.length)];
        for (Buffer c : cache) {
            if (c.size == size) {
                cache.remove(c);
                d.emit(Payloads.madvise(c.bo, Madv.willneed));
                if (c.purged) {
                    d.emit(Payloads.handleClose(file, c.bo));
                    break;
                }
                c.cachedAt = -1;
                live.add(c);
                return;
            }
        }
        Buffer b = new Buffer(d.newBo(), size);
        d.emit(Payloads.boNew(file, b.bo, size, Payloads.BO_WC, NAMES[rng.nextInt(NAMES.length)]));
        d.emit(Payloads.getIova(file, b.bo));
        live.add(b);
    }

    /** Cached BOs older than the cache's time limit are closed. */
    private void expireCache(DeviceSim d) {
        for (int i = 0; i < cache.size(); i++) {
            Buffer b = cache.get(i);
            if (d.now() - b.cachedAt >= CACHE_MICROS) {
                d.emit(Payloads.handleClose(file, b.bo));
                cache.remove(i--);
            }
        }
    }

    private void capture(DeviceSim d) {
        d.emit(Payloads.vmap(cmdstream));
        d.advance(200 + d.rng().nextLong(3_000));
        d.emit(Payloads.vunmap(cmdstream));
    }

    /** One ioctl the kernel rejects, labelled with the errno it must return. */
    private void invalid(DeviceSim d) {
        SplittableRandom rng = d.rng();
        long stranger = 2_000_000_000L + rng.nextInt(1_000_000);
        switch (rng.nextInt(4)) {
            case 0 -> d.emitInvalid(Payloads.getIova(file, stranger), "ENOENT", stranger, file);
            case 1 ->
                    d.emitInvalid(
                            Payloads.vmBind(
                                    file,
                                    0,
                                    List.of(Payloads.unmap(Payloads.VM_START, VaAllocator.PAGE))),
                            "EINVAL",
                            null,
                            file);
            case 2 -> d.emitInvalid(Payloads.handleClose(file, stranger), "EINVAL", stranger, file);
            default -> d.emitInvalid(Payloads.vunmap(cmdstream), "EINVAL", cmdstream, file);
        }
    }
}
