package io.vmledger.core.state;

import io.vmledger.core.event.SubmitBo;
import java.util.List;

/**
 * An in-flight GEM_SUBMIT, stored under key {@code (file, queue, submit)} from its {@code submit}
 * event until its {@code submit_retired}: the BO table in table order, each entry with the iova the
 * kernel looked up (and pinned) in the context's VM, and the seq of its first fault (0: none), as
 * the kernel's {@code submit->fault_dumped}.
 */
public record SubmitRecord(List<SubmitBo> bos, long firstFaultSeq) {
    public SubmitRecord {
        bos = List.copyOf(bos);
    }

    /** This submit with its first fault at {@code seq}. */
    public SubmitRecord faulted(long seq) {
        return new SubmitRecord(bos, seq);
    }
}
