package io.vmledger.core.fold;

import io.vmledger.core.Rejection;
import io.vmledger.core.event.Event;
import io.vmledger.core.msm.BoRegistry;
import io.vmledger.core.msm.Contexts;
import io.vmledger.core.msm.DeviceModel;
import io.vmledger.core.msm.DisplayVm;
import io.vmledger.core.msm.VmBindIoctl;
import io.vmledger.core.msm.VmBindValidator;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.store.CompositeKey;
import java.util.List;

/**
 * The fold: applies one device event to that device's tables and returns its ledger
 * {@link Outcome}. This is the single entry point both {@code vmledger replay} and the Kafka
 * Streams topology call, so their outputs are identical for the same input.
 *
 * <p>An event whose seq is not above the device's last seq is a duplicate and changes nothing.
 * A rejected event changes nothing either (every handler validates before it writes). An
 * absent {@code ts} is the device's previous event time.
 */
public final class DeviceFold {
    private static final CompositeKey DEVICE_KEY = CompositeKey.of(0);

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
        DeviceRecord rec = tables.device().get(DEVICE_KEY);
        long lastTs = rec == null ? 0 : rec.lastTs();
        long time = ts != null ? ts : lastTs;
        if (rec != null && Long.compareUnsigned(seq, rec.lastSeq()) <= 0) {
            return new Outcome(device, seq, event.type(), time, Status.DUPLICATE, null, null, null, null, null, List.of());
        }
        tables.device().put(DEVICE_KEY, new DeviceRecord(seq, time));
        FoldContext ctx = new FoldContext(tables, config);
        DeviceModel m = new DeviceModel(ctx);
        BoRegistry bos = new BoRegistry(m);
        Long prealloc = null;
        Long used = null;
        List<OpResult> ops = null;
        Rejection rejection;
        if (event instanceof Event.VmBind e) {
            rejection = new VmBindValidator(m).validate(e);
            if (rejection == null) {
                VmBindIoctl.Result r = new VmBindIoctl(m).run(e);
                rejection = r.rejection();
                prealloc = r.preallocPages();
                ops = rejection == null ? r.ops() : null;
                used = rejection == null ? r.preallocUsed() : null;
            }
        } else {
            rejection = dispatch(event, m, bos);
        }
        if (rejection != null) {
            return new Outcome(device, seq, event.type(), time, Status.ERROR, rejection.errno(), rejection.reason(),
                    prealloc, null, null, List.of());
        }
        bos.freeUnreferenced();
        return new Outcome(device, seq, event.type(), time, Status.OK, null, null, prealloc, used, ops,
                List.copyOf(ctx.effects()));
    }

    private static Rejection dispatch(Event event, DeviceModel m, BoRegistry bos) {
        Contexts contexts = new Contexts(m, bos);
        if (event instanceof Event.FileOpen e) {
            return contexts.open(e);
        } else if (event instanceof Event.FileClose e) {
            return contexts.close(e);
        } else if (event instanceof Event.KmsVm e) {
            return contexts.kmsVm(e);
        } else if (event instanceof Event.SubmitqueueNew e) {
            return contexts.newQueue(e);
        } else if (event instanceof Event.SubmitqueueClose e) {
            return contexts.closeQueue(e);
        } else if (event instanceof Event.BoNew e) {
            return bos.create(e.file(), e.bo(), e.size(), e.flags(), e.name());
        } else if (event instanceof Event.HandleOpen e) {
            return bos.openHandle(e.file(), e.bo());
        } else if (event instanceof Event.HandleClose e) {
            return bos.closeHandle(e.file(), e.bo());
        } else if (event instanceof Event.SetName e) {
            return bos.setName(e.bo(), e.name());
        } else if (event instanceof Event.Madvise e) {
            return bos.madvise(e.bo(), e.madv());
        } else if (event instanceof Event.DmabufExport e) {
            return bos.export(e.bo(), e.dmabuf(), e.file());
        } else if (event instanceof Event.DmabufImport e) {
            return bos.importDmabuf(e.file(), e.dmabuf());
        } else if (event instanceof Event.DmabufRelease e) {
            return bos.releaseDmabuf(e.dmabuf());
        } else if (event instanceof Event.Vmap e) {
            return bos.vmap(e.bo(), 1);
        } else if (event instanceof Event.Vunmap e) {
            return bos.vmap(e.bo(), -1);
        } else if (event instanceof Event.GetIova e) {
            return contexts.getIova(e);
        } else if (event instanceof Event.FbPrepare e) {
            return new DisplayVm(m, bos).prepare(e);
        } else if (event instanceof Event.FbCleanup e) {
            return new DisplayVm(m, bos).cleanup(e);
        } else if (event instanceof Event.GpuFault e) {
            return contexts.fault(e);
        } else if (event instanceof Event.GpuHang e) {
            return contexts.hang(e);
        }
        throw new IllegalStateException("unhandled event type " + event.type());
    }
}
