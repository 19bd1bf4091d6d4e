package io.vmledger.core.query;

import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.VmLogEntry;
import io.vmledger.core.state.VmRecord;
import java.util.List;

/**
 * A VM as the state line of {@code replay --state} and the VM query show it.
 *
 * @param log the VM-log ring, oldest first, newest included
 * @param logTotal entries ever logged (the full history is kept)
 * @param kernelOmitsNewest whether the kernel's own extraction would drop the newest entry (its
 *     off-by-one while the ring has not wrapped, §3.8)
 */
public record VmView(
        VmRecord vm,
        List<Va> vas,
        PageTableStats pagetable,
        List<VmLogEntry> log,
        long logTotal,
        boolean kernelOmitsNewest) {}
