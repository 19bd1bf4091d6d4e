package io.vmledger.core.state;

/**
 * The device's GPU as a devcoredump shows it, and the one crash state the kernel holds, stored
 * under key {@code (0)} of the {@code gpu} table.
 *
 * <p>The kernel keeps one crash state until it is read or devcoredump's 5-minute timeout frees it
 * ({@code gpu->crashstate}, kernel-semantics §3.9); vmledger cannot see reads, so it models the
 * timeout: a capture within {@link #PENDING_US} of the last one is one the kernel would not make.
 *
 * @param chipId the Adreno chip id (0 until a {@code device_info} event)
 * @param revn the kernel's {@code revn} (0 when the kernel has none for the chip)
 * @param gpu the GPU name, or null
 * @param kernel the kernel release, or null
 * @param dumpSeq the seq of the event whose dump the kernel holds (0: none yet)
 * @param dumpTs that event's time, µs since the epoch
 */
public record GpuRecord(
        long chipId, long revn, String gpu, String kernel, long dumpSeq, long dumpTs) {
    /** devcoredump's timeout: a dump nobody reads is freed after 5 minutes. */
    public static final long PENDING_US = 300_000_000L;

    /** No device_info seen and no dump captured. */
    public static final GpuRecord UNKNOWN = new GpuRecord(0, 0, null, null, 0, 0);

    /** Whether a device_info event described the GPU. */
    public boolean described() {
        return chipId != 0 || gpu != null || kernel != null;
    }

    /** Whether the kernel still holds a dump at time {@code ts} (captured less than 5 min ago). */
    public boolean dumpPending(long ts) {
        return dumpSeq != 0 && ts - dumpTs < PENDING_US;
    }

    /** This record with the GPU described as given. */
    public GpuRecord describe(long chipId, long revn, String gpu, String kernel) {
        return new GpuRecord(chipId, revn, gpu, kernel, dumpSeq, dumpTs);
    }

    /** This record holding the dump of event {@code seq} at {@code ts}. */
    public GpuRecord holding(long seq, long ts) {
        return new GpuRecord(chipId, revn, gpu, kernel, seq, ts);
    }
}
