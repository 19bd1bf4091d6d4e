package io.vmledger.tools.perfetto;

import io.vmledger.core.event.Event;

/**
 * The track an event's slice goes on: the context's VM for what acts on its address space (VM_BIND,
 * get_iova, faults, hangs), the display VM for the KMS events, the file for its handles, queues and
 * lifetime, and the device track for the rest (BO-wide and dma-buf events).
 */
final class EventTrack implements Event.Visitor<Track> {
    /** The one instance (stateless). */
    static final EventTrack INSTANCE = new EventTrack();

    private EventTrack() {}

    /** The track of {@code event}. */
    static Track of(Event event) {
        return event.accept(INSTANCE);
    }

    @Override
    public Track fileOpen(Event.FileOpen e) {
        return Track.file(e.file());
    }

    @Override
    public Track fileClose(Event.FileClose e) {
        return Track.file(e.file());
    }

    @Override
    public Track kmsVm(Event.KmsVm e) {
        return Track.vm(Track.DISPLAY_VM);
    }

    @Override
    public Track submitqueueNew(Event.SubmitqueueNew e) {
        return Track.file(e.file());
    }

    @Override
    public Track submitqueueClose(Event.SubmitqueueClose e) {
        return Track.file(e.file());
    }

    @Override
    public Track boNew(Event.BoNew e) {
        return Track.file(e.file());
    }

    @Override
    public Track handleOpen(Event.HandleOpen e) {
        return Track.file(e.file());
    }

    @Override
    public Track handleClose(Event.HandleClose e) {
        return Track.file(e.file());
    }

    @Override
    public Track setName(Event.SetName e) {
        return Track.DEVICE;
    }

    @Override
    public Track madvise(Event.Madvise e) {
        return Track.DEVICE;
    }

    @Override
    public Track dmabufExport(Event.DmabufExport e) {
        return e.file() == null ? Track.DEVICE : Track.file(e.file());
    }

    @Override
    public Track dmabufImport(Event.DmabufImport e) {
        return Track.file(e.file());
    }

    @Override
    public Track dmabufRelease(Event.DmabufRelease e) {
        return Track.DEVICE;
    }

    @Override
    public Track vmap(Event.Vmap e) {
        return Track.DEVICE;
    }

    @Override
    public Track vunmap(Event.Vunmap e) {
        return Track.DEVICE;
    }

    @Override
    public Track getIova(Event.GetIova e) {
        return Track.vm(e.file());
    }

    @Override
    public Track fbPrepare(Event.FbPrepare e) {
        return Track.vm(Track.DISPLAY_VM);
    }

    @Override
    public Track fbCleanup(Event.FbCleanup e) {
        return Track.vm(Track.DISPLAY_VM);
    }

    @Override
    public Track vmBind(Event.VmBind e) {
        return Track.vm(e.file());
    }

    @Override
    public Track gpuFault(Event.GpuFault e) {
        return Track.vm(e.file());
    }

    @Override
    public Track gpuHang(Event.GpuHang e) {
        return Track.vm(e.file());
    }

    @Override
    public Track deviceInfo(Event.DeviceInfo e) {
        return Track.DEVICE;
    }

    @Override
    public Track submit(Event.Submit e) {
        return Track.vm(e.file());
    }

    @Override
    public Track submitRetired(Event.SubmitRetired e) {
        return Track.vm(e.file());
    }
}
