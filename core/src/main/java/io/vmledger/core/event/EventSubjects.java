package io.vmledger.core.event;

import java.util.ArrayList;
import java.util.List;

/**
 * What an event names by its own fields, without looking at any state: the BOs it names, the VM it
 * acts on (a context's {@code file} for the context-level events, the display VM 0 for the KMS
 * ones), the address ranges it names (a vm_bind op's range, even if the op is rejected) and the
 * lone addresses (a fault's, get_iova's, a framebuffer plane's). The alert rules and the audit both
 * start from it.
 *
 * @param bos BOs named, in event order (repeats possible)
 * @param vm the VM the event acts on, or null
 * @param ranges {@code [addr, range]} pairs named
 * @param addresses lone addresses named
 */
public record EventSubjects(List<Long> bos, Long vm, List<long[]> ranges, List<Long> addresses) {
    private static final Long DISPLAY_VM = 0L;

    /** The subjects {@code event} names. */
    public static EventSubjects of(Event event) {
        return event.accept(NAMED);
    }

    private static EventSubjects bo(long bo) {
        return new EventSubjects(List.of(bo), null, List.of(), List.of());
    }

    private static EventSubjects vm(Long vm) {
        return new EventSubjects(List.of(), vm, List.of(), List.of());
    }

    private static final Event.Visitor<EventSubjects> NAMED =
            new Event.Visitor<>() {
                @Override
                public EventSubjects fileOpen(Event.FileOpen e) {
                    return vm(e.file());
                }

                @Override
                public EventSubjects fileClose(Event.FileClose e) {
                    return vm(e.file());
                }

                @Override
                public EventSubjects kmsVm(Event.KmsVm e) {
                    return vm(DISPLAY_VM);
                }

                @Override
                public EventSubjects submitqueueNew(Event.SubmitqueueNew e) {
                    return vm(null);
                }

                @Override
                public EventSubjects submitqueueClose(Event.SubmitqueueClose e) {
                    return vm(null);
                }

                @Override
                public EventSubjects boNew(Event.BoNew e) {
                    return bo(e.bo());
                }

                @Override
                public EventSubjects handleOpen(Event.HandleOpen e) {
                    return bo(e.bo());
                }

                @Override
                public EventSubjects handleClose(Event.HandleClose e) {
                    return bo(e.bo());
                }

                @Override
                public EventSubjects setName(Event.SetName e) {
                    return bo(e.bo());
                }

                @Override
                public EventSubjects madvise(Event.Madvise e) {
                    return bo(e.bo());
                }

                @Override
                public EventSubjects dmabufExport(Event.DmabufExport e) {
                    return bo(e.bo());
                }

                @Override
                public EventSubjects dmabufImport(Event.DmabufImport e) {
                    return vm(null);
                }

                @Override
                public EventSubjects dmabufRelease(Event.DmabufRelease e) {
                    return vm(null);
                }

                @Override
                public EventSubjects vmap(Event.Vmap e) {
                    return bo(e.bo());
                }

                @Override
                public EventSubjects vunmap(Event.Vunmap e) {
                    return bo(e.bo());
                }

                @Override
                public EventSubjects getIova(Event.GetIova e) {
                    return new EventSubjects(
                            List.of(e.bo()),
                            e.file(),
                            List.of(),
                            e.iova() == null ? List.of() : List.of(e.iova()));
                }

                @Override
                public EventSubjects fbPrepare(Event.FbPrepare e) {
                    return new EventSubjects(
                            List.copyOf(e.bos()),
                            DISPLAY_VM,
                            List.of(),
                            e.iovas() == null ? List.of() : List.copyOf(e.iovas()));
                }

                @Override
                public EventSubjects fbCleanup(Event.FbCleanup e) {
                    return vm(DISPLAY_VM);
                }

                @Override
                public EventSubjects vmBind(Event.VmBind e) {
                    List<Long> bos = new ArrayList<>();
                    List<long[]> ranges = new ArrayList<>();
                    for (VmBindOp op : e.ops()) {
                        if (op.bo() != null) {
                            bos.add(op.bo());
                        }
                        ranges.add(new long[] {op.iova(), op.range()});
                    }
                    return new EventSubjects(bos, e.file(), ranges, List.of());
                }

                @Override
                public EventSubjects gpuFault(Event.GpuFault e) {
                    return new EventSubjects(List.of(), e.file(), List.of(), List.of(e.iova()));
                }

                @Override
                public EventSubjects gpuHang(Event.GpuHang e) {
                    return vm(e.file());
                }

                @Override
                public EventSubjects deviceInfo(Event.DeviceInfo e) {
                    return vm(null);
                }

                @Override
                public EventSubjects submit(Event.Submit e) {
                    List<Long> bos = new ArrayList<>(e.bos().size());
                    List<Long> iovas = new ArrayList<>();
                    for (SubmitBo b : e.bos()) {
                        bos.add(b.bo());
                        if (b.iova() != null) {
                            iovas.add(b.iova());
                        }
                    }
                    return new EventSubjects(bos, e.file(), List.of(), iovas);
                }

                @Override
                public EventSubjects submitRetired(Event.SubmitRetired e) {
                    return vm(e.file());
                }
            };
}
