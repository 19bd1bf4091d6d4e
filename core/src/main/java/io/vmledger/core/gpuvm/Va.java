package io.vmledger.core.gpuvm;

import java.util.Objects;

/**
 * A drm_gpuva: {@code [addr, addr + range)} mapping {@code bo} at {@code offset}, or a NULL
 * (sparse, MAP_NULL/PRR) mapping when {@code bo} is null. All numbers are u64 bits. {@code dump} is
 * msm's {@code MSM_VMA_DUMP} user flag (kernel-semantics §3.10).
 */
public record Va(long addr, long range, Long bo, long offset, boolean dump) {

    /** A VA without the DUMP flag. */
    public static Va of(long addr, long range, Long bo, long offset) {
        return new Va(addr, range, bo, offset, false);
    }

    /** The exclusive end address (never overflows for a valid VA, §1.2). */
    public long end() {
        return addr + range;
    }

    /** True for a NULL (sparse) VA. */
    public boolean isNull() {
        return bo == null;
    }

    /** True when this VA maps the same object (both NULL, or the same BO). */
    public boolean sameObject(Long otherBo) {
        return Objects.equals(bo, otherBo);
    }

    /** This VA with another DUMP flag. */
    public Va withDump(boolean newDump) {
        return new Va(addr, range, bo, offset, newDump);
    }
}
