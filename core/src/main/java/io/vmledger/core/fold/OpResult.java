package io.vmledger.core.fold;

import io.vmledger.core.gpuvm.SplitStep;
import java.util.List;

/** What one VM_BIND op did: its gpuvm steps and the page-table ops msm queued, in order. */
public record OpResult(int index, List<SplitStep> steps, List<PtOp> pt) {}
