package io.vmledger.core.msm;

import io.vmledger.core.Rejection;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.FoldContext;
import io.vmledger.core.fold.OpResult;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import java.util.List;

/**
 * The kernel model's fold: applies one device event to that device's tables with the msm driver's
 * rules and returns its ledger {@link Outcome}. Callers go through the core's façade ({@code
 * io.vmledger.core.ledger.DeviceLedger}), which adds the alert rules and dump capture.
 *
 * <p>An event whose seq is not above the device's last seq is a duplicate and changes nothing. A
 * rejected event changes nothing either (every handler validates before it writes). An absent
 * {@code ts} is the device's previous event time.
 */
public final class DeviceFold {

    private final FoldConfig config;

    public DeviceFold(FoldConfig config) {
        this.config = config;
    }

    /** Folds one event of {@code device} into {@code tables}. */
    public Outcome apply(String device, long seq, Long ts, Event event, DeviceTables tables) {
        Outcome o = fold(device, seq, ts, event, tables);
        tables.flush();
        return o;
    }

    private Outcome fold(String device, long seq, Long ts, Event event, DeviceTables tables) {
        DeviceRecord rec = tables.deviceRecord();
        long time = DeviceRecord.eventTime(ts, rec);
        if (rec != null && Long.compareUnsigned(seq, rec.lastSeq()) <= 0) {
            return new Outcome(
                    device,
                    seq,
                    event.type(),
                    time,
                    Status.DUPLICATE,
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of());
        }
        tables.deviceRecord(
                new DeviceRecord(seq, time, rec == null ? 0 : rec.displayUnmapsAvoided()));
        FoldContext ctx = new FoldContext(tables, config);
        DeviceModel m = new DeviceModel(ctx);
        Rules rules = new Rules(m);
        Rejection rejection = event.accept(rules);
        if (rejection != null) {
            return new Outcome(
                    device,
                    seq,
                    event.type(),
                    time,
                    Status.ERROR,
                    rejection.errno(),
                    rejection.reason(),
                    rules.preallocPages,
                    null,
                    null,
                    List.of());
        }
        rules.bos.freeUnreferenced();
        return new Outcome(
                device,
                seq,
                event.type(),
                time,
                Status.OK,
                null,
                null,
                rules.preallocPages,
                rules.preallocUsed,
                rules.ops,
                List.copyOf(ctx.effects()));
    }

    /**
     * The msm rule each event type runs, against one event's device model: the rejection, if any,
     * and for a VM_BIND the job's pre-allocation and the steps of its ops.
     */
    private static final class Rules implements Event.Visitor<Rejection> {
        private final DeviceModel m;
        private final BoRegistry bos;
        private final Contexts contexts;
        private Long preallocPages;
        private Long preallocUsed;
        private List<OpResult> ops;

        Rules(DeviceModel m) {
            this.m = m;
            this.bos = new BoRegistry(m);
            this.contexts = new Contexts(m, bos);
        }

        @Override
        public Rejection vmBind(Event.VmBind e) {
            Rejection invalid = new VmBindValidator(m).validate(e);
            if (invalid != null) {
                return invalid;
            }
            VmBindIoctl.Result r = new VmBindIoctl(m).run(e);
            preallocPages = r.preallocPages();
            if (r.rejection() == null) {
                ops = r.ops();
                preallocUsed = r.preallocUsed();
            }
            return r.rejection();
        }

        @Override
        public Rejection fileOpen(Event.FileOpen e) {
            return contexts.open(e);
        }

        @Override
        public Rejection fileClose(Event.FileClose e) {
            return contexts.close(e);
        }

        @Override
        public Rejection kmsVm(Event.KmsVm e) {
            return contexts.kmsVm(e);
        }

        @Override
        public Rejection submitqueueNew(Event.SubmitqueueNew e) {
            return contexts.newQueue(e);
        }

        @Override
        public Rejection submitqueueClose(Event.SubmitqueueClose e) {
            return contexts.closeQueue(e);
        }

        @Override
        public Rejection boNew(Event.BoNew e) {
            return bos.create(e.file(), e.bo(), e.size(), e.flags(), e.name());
        }

        @Override
        public Rejection handleOpen(Event.HandleOpen e) {
            return bos.openHandle(e.file(), e.bo());
        }

        @Override
        public Rejection handleClose(Event.HandleClose e) {
            return bos.closeHandle(e.file(), e.bo());
        }

        @Override
        public Rejection setName(Event.SetName e) {
            return bos.setName(e.bo(), e.name());
        }

        @Override
        public Rejection madvise(Event.Madvise e) {
            return bos.madvise(e.bo(), e.madv());
        }

        @Override
        public Rejection dmabufExport(Event.DmabufExport e) {
            return bos.export(e.bo(), e.dmabuf(), e.file());
        }

        @Override
        public Rejection dmabufImport(Event.DmabufImport e) {
            return bos.importDmabuf(e.file(), e.dmabuf());
        }

        @Override
        public Rejection dmabufRelease(Event.DmabufRelease e) {
            return bos.releaseDmabuf(e.dmabuf());
        }

        @Override
        public Rejection vmap(Event.Vmap e) {
            return bos.vmap(e.bo(), 1);
        }

        @Override
        public Rejection vunmap(Event.Vunmap e) {
            return bos.vmap(e.bo(), -1);
        }

        @Override
        public Rejection getIova(Event.GetIova e) {
            return contexts.getIova(e);
        }

        @Override
        public Rejection fbPrepare(Event.FbPrepare e) {
            return new DisplayVm(m, bos).prepare(e);
        }

        @Override
        public Rejection fbCleanup(Event.FbCleanup e) {
            return new DisplayVm(m, bos).cleanup(e);
        }

        @Override
        public Rejection gpuFault(Event.GpuFault e) {
            return contexts.fault(e);
        }

        @Override
        public Rejection gpuHang(Event.GpuHang e) {
            return contexts.hang(e);
        }

        @Override
        public Rejection deviceInfo(Event.DeviceInfo e) {
            return new Submits(m).deviceInfo(e);
        }

        @Override
        public Rejection submit(Event.Submit e) {
            return new Submits(m).submit(e);
        }

        @Override
        public Rejection submitRetired(Event.SubmitRetired e) {
            return new Submits(m).retire(e);
        }
    }
}
