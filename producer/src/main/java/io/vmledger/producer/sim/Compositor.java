package io.vmledger.producer.sim;

import io.vmledger.schema.VmBindOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The display server. Its KMS file (a legacy context) allocates three scanout buffers (SCANOUT |
 * WC, width × height × 4 bytes, page-aligned) and a 64×64 cursor, exports each scanout as a dma-buf
 * that its GPU context (a VM_BIND file) imports and maps to render into. While the screen has
 * damage it page-flips at 60 Hz — {@code fb_prepare} of the next buffer at commit, {@code
 * fb_cleanup} of the one it replaces once the flip completed at vblank — so each cleanup keeps the
 * display-VM VMA (lazy teardown, kernel-semantics §4) and the next prepare of that buffer reuses
 * it; between bursts it idles for a few seconds. The cursor plane is prepared while the pointer is
 * shown (from the start, so the cursor BO has its display VMA from then on). Every minute or two a
 * mode change replaces the scanouts at a new resolution: unmapped and closed in the GPU context,
 * dma-bufs released, KMS handles closed, which drops {@code vma_ref} to 0 and tears the display
 * VMAs down ({@code vma_put}). Applications' swapchain images arrive as dma-bufs: imported into the
 * GPU context and mapped while the client lives, unmapped, closed and released once it has gone.
 *
 * <p>Injected bug {@link BugKind#PIN_LEAK}: one unbalanced cursor {@code fb_prepare}, so the
 * cursor's framebuffer is never fully cleaned up and its BO stays pinned.
 */
final class Compositor extends Workload {
    private static final long FRAME = 16_667;
    private static final int[][] MODES = {{1920, 1080}, {2560, 1440}, {3840, 2160}};
    private static final long CURSOR_BYTES = 64 * 64 * 4;
    private static final long SCANOUT_FLAGS = Payloads.BO_SCANOUT | Payloads.BO_WC;

    /**
     * One scanout buffer: its BO (the same object in both files: self-import), dma-buf, fb id and
     * VA in the GPU context.
     */
    private record Scanout(long bo, long dmabuf, long fb, long iova, long size) {}

    private long kmsFile;
    private long gpuFile;
    private VaAllocator gpuVa;
    private final List<Scanout> scanouts = new ArrayList<>();

    /** Imported client buffers: dma-buf → VA in the GPU context. */
    private final Map<Long, Long> clients = new HashMap<>();

    /** Index of the scanout on screen (prepared), -1 before the first flip. */
    private int shown = -1;

    private long cursorBo;
    private long cursorFb;
    private boolean cursorShown;
    private boolean active;
    private long phaseEnd;
    private long nextModeChange;
    private boolean started;

    Compositor(long wake) {
        super(wake);
    }

    @Override
    void step(DeviceSim d) {
        SplittableRandom rng = d.rng();
        if (!started) {
            start(d);
            return;
        }
        serveClients(d);
        if (d.now() >= phaseEnd) {
            switchPhase(d);
        }
        if (active) {
            long vblank = d.now();
            flip(d);
            wake = Math.max(d.now(), vblank + FRAME - 150 + rng.nextInt(300));
        } else {
            wake = phaseEnd;
        }
    }

    private void start(DeviceSim d) {
        started = true;
        kmsFile = d.newFile();
        gpuFile = d.newFile();
        gpuVa = new VaAllocator(Payloads.VM_START, 1L << 40);
        d.emit(Payloads.fileOpen(kmsFile, false));
        d.emit(Payloads.fileOpen(gpuFile, true));
        d.emit(Payloads.queue(gpuFile, 1, true));
        cursorBo = d.newBo();
        cursorFb = d.newFb();
        d.emit(Payloads.boNew(kmsFile, cursorBo, CURSOR_BYTES, SCANOUT_FLAGS, "cursor"));
        allocateScanouts(d);
        flip(d);
        d.emit(Payloads.fbPrepare(cursorFb, cursorBo));
        cursorShown = true;
        nextModeChange = d.now() + 40_000_000L + d.rng().nextLong(80_000_000L);
        phaseEnd = d.now() + 1_000_000L;
        active = true;
        wake = d.now() + FRAME;
    }

    /**
     * Client buffers: a newly offered one is imported into the GPU context and mapped there to
     * composite from; when its client has gone, it is unmapped and its handle closed, and the
     * compositor closes its dma-buf fd, the last one, which releases the dma-buf and frees the BO.
     */
    private void serveClients(DeviceSim d) {
        for (SharedBuffer b = d.nextOffer(); b != null; b = d.nextOffer()) {
            d.emit(Payloads.importDmabuf(gpuFile, b.dmabuf()));
            long iova = gpuVa.allocate(b.size(), 0x10000);
            d.emit(
                    Payloads.vmBind(
                            gpuFile, 1, List.of(Payloads.map(b.bo(), 0, iova, b.size(), false))));
            clients.put(b.dmabuf(), iova);
        }
        for (SharedBuffer b = d.nextWithdrawal(); b != null; b = d.nextWithdrawal()) {
            long iova = clients.remove(b.dmabuf());
            d.emit(Payloads.vmBind(gpuFile, 1, List.of(Payloads.unmap(iova, b.size()))));
            gpuVa.release(iova, b.size());
            d.emit(Payloads.handleClose(gpuFile, b.bo()));
            d.emit(Payloads.release(b.dmabuf()));
        }
    }

    /**
     * Three scanouts at a random mode: created, exported, imported by the GPU context and mapped
     * there in one VM_BIND.
     */
    private void allocateScanouts(DeviceSim d) {
        int[] mode = MODES[d.rng().nextInt(MODES.length)];
        long size = VaAllocator.alignUp((long) mode[0] * mode[1] * 4, VaAllocator.PAGE);
        List<VmBindOp> ops = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long bo = d.newBo();
            long dmabuf = d.newDmabuf();
            d.emit(Payloads.boNew(kmsFile, bo, size, SCANOUT_FLAGS, "scanout"));
            d.emit(Payloads.export(bo, dmabuf, kmsFile));
            d.emit(Payloads.importDmabuf(gpuFile, dmabuf));
            long iova = gpuVa.allocate(size, 0x10000);
            ops.add(Payloads.map(bo, 0, iova, size, false));
            scanouts.add(new Scanout(bo, dmabuf, d.newFb(), iova, size));
        }
        d.emit(Payloads.vmBind(gpuFile, 1, ops));
    }

    private void flip(DeviceSim d) {
        int next = (shown + 1) % scanouts.size();
        d.emit(Payloads.fbPrepare(scanouts.get(next).fb(), scanouts.get(next).bo()));
        if (shown >= 0) {
            d.advance(1_000 + d.rng().nextInt(7_000));
            d.emit(Payloads.fbCleanup(scanouts.get(shown).fb()));
        }
        shown = next;
    }

    private void switchPhase(DeviceSim d) {
        SplittableRandom rng = d.rng();
        if (active) {
            if (cursorShown) {
                d.emit(Payloads.fbCleanup(cursorFb));
                cursorShown = false;
            }
            if (d.now() >= nextModeChange) {
                modeChange(d);
                nextModeChange = d.now() + 40_000_000L + rng.nextLong(80_000_000L);
            }
            active = false;
            phaseEnd = d.now() + 300_000L + rng.nextLong(2_200_000L);
        } else {
            if (rng.nextInt(3) > 0) {
                d.emit(Payloads.fbPrepare(cursorFb, cursorBo));
                cursorShown = true;
            }
            if (d.takeBug(BugKind.PIN_LEAK)) {
                d.emitBug(
                        Payloads.fbPrepare(cursorFb, cursorBo),
                        BugKind.PIN_LEAK,
                        cursorBo,
                        0L,
                        cursorFb);
            }
            active = true;
            phaseEnd = d.now() + 800_000L + rng.nextLong(4_000_000L);
        }
    }

    /**
     * A mode change: the new scanouts are allocated and shown first, then the old ones go —
     * unmapped and closed in the GPU context, dma-bufs released, KMS handles closed.
     */
    private void modeChange(DeviceSim d) {
        List<Scanout> old = new ArrayList<>(scanouts);
        Scanout onScreen = scanouts.get(shown);
        scanouts.clear();
        allocateScanouts(d);
        d.emit(Payloads.fbPrepare(scanouts.get(0).fb(), scanouts.get(0).bo()));
        d.emit(Payloads.fbCleanup(onScreen.fb()));
        shown = 0;
        List<VmBindOp> unmaps = new ArrayList<>();
        for (Scanout s : old) {
            unmaps.add(Payloads.unmap(s.iova(), s.size()));
        }
        d.emit(Payloads.vmBind(gpuFile, 1, unmaps));
        for (Scanout s : old) {
            gpuVa.release(s.iova(), s.size());
            d.emit(Payloads.handleClose(gpuFile, s.bo()));
            d.emit(Payloads.release(s.dmabuf()));
            d.emit(Payloads.handleClose(kmsFile, s.bo()));
        }
    }
}
