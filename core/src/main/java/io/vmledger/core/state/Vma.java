package io.vmledger.core.state;

import io.vmledger.core.gpuvm.Va;

/**
 * An msm VMA, stored under key {@code (vm, addr)}: the gpuvm VA plus whether its PTEs are
 * (logically) written. VM_BIND VMAs are created mapped at ioctl time (§3.5); a purge leaves the VMA
 * but clears {@code mapped}.
 */
public record Vma(Va va, boolean mapped) {}
