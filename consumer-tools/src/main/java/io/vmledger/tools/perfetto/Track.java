package io.vmledger.tools.perfetto;

/**
 * One timeline of a device in the exported trace: the device itself (BO, dma-buf and framebuffer
 * events that belong to no context), one GPU VM (its VM_BIND ioctls, faults, hangs, coredumps) or
 * one file, i.e. drm_file / GPU context (its handles and submit queues).
 *
 * @param id the vm or file id (0 for the device track)
 */
public record Track(Kind kind, long id) {
    /** What a track follows. */
    public enum Kind {
        DEVICE,
        VM,
        FILE
    }

    /** The device track. */
    public static final Track DEVICE = new Track(Kind.DEVICE, 0);

    /** The display VM's id (trace-and-replay §1). */
    static final long DISPLAY_VM = 0;

    /** The track of VM {@code vm}. */
    public static Track vm(long vm) {
        return new Track(Kind.VM, vm);
    }

    /** The track of file {@code file}. */
    public static Track file(long file) {
        return new Track(Kind.FILE, file);
    }

    /**
     * The name Perfetto shows, e.g. {@code vm 3 (file 3)}, {@code vm 0 (display)}, {@code file 3}.
     */
    public String label() {
        return switch (kind) {
            case DEVICE -> "device";
            case VM ->
                    id == DISPLAY_VM
                            ? "vm 0 (display)"
                            : "vm "
                                    + Long.toUnsignedString(id)
                                    + " (file "
                                    + Long.toUnsignedString(id)
                                    + ")";
            case FILE -> "file " + Long.toUnsignedString(id);
        };
    }
}
