package io.vmledger.tools.perfetto;

import io.vmledger.core.alert.Alert;
import io.vmledger.core.event.Event;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.Status;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.state.DeviceTables;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.schema.codec.AlertEncoder;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.json.JsonOut;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.tools.alert.AlertFormat;
import java.io.IOException;
import java.io.Writer;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a device ledger, entry by entry as the fold produces it, into a Perfetto-readable trace
 * (Chrome JSON trace events, see {@link TraceEventWriter}): each device a process, each VM and file
 * a thread ({@link Track}); each ledger entry a zero-length slice named by its event type (and
 * errno) whose args are the entry exactly as {@code replay} prints it (ops with their drm_gpuvm
 * steps and page-table ops, effects); instants for GPU faults, hangs, coredumps, VMs made unusable
 * or closed, and alerts; counters per VM ({@code mapped_bytes}, {@code pt_pages}) and per device
 * ({@code live_bo_bytes}), written when they change.
 *
 * <p>Only entries whose event time lies in {@code [from, to)} are written; the counters still
 * follow every entry, and a device's first written entry is preceded by all its counters' values at
 * that time, so a window starts at the right levels.
 */
public final class PerfettoExport {
    /** Effects shown as instants on their VM's track. */
    private static final Set<Effect.Kind> INSTANT_EFFECTS =
            EnumSet.of(Effect.Kind.COREDUMP, Effect.Kind.VM_UNUSABLE, Effect.Kind.VM_CLOSED);

    private static final String[] VM_COUNTERS = {"mapped_bytes", "pt_pages"};
    private static final String[] DEVICE_COUNTERS = {"live_bo_bytes"};

    private final TraceEventWriter out;
    private final TrackIds ids;
    private final long from;
    private final long to;
    private final Map<String, DeviceCounters> counters = new HashMap<>();
    private final Map<String, Boolean> shown = new HashMap<>();
    private final StringBuilder args = new StringBuilder(1024);
    private long slices;

    /**
     * Starts a trace on {@code out} that keeps the entries with event time in {@code [from, to)}
     * (µs since the epoch; 0 and {@link Long#MAX_VALUE} for all).
     */
    public PerfettoExport(Writer out, long from, long to) throws IOException {
        this.out = new TraceEventWriter(out);
        this.ids = new TrackIds(this.out);
        this.from = from;
        this.to = to;
    }

    /**
     * Adds one ledger entry: {@code applied} is what the fold of {@code event} returned, {@code
     * tables} the device's state after it.
     */
    public void entry(Event event, Applied applied, DeviceTables tables) throws IOException {
        Outcome o = applied.outcome();
        DeviceCounters c = counters.computeIfAbsent(o.device(), d -> new DeviceCounters());
        DeviceCounters.Changes changes = c.refresh(applied, tables);
        long ts = o.ts();
        if (ts < from || ts >= to) {
            return;
        }
        long pid = ids.pid(o.device());
        args.setLength(0);
        LedgerJson.write(OutcomeEncoder.encode(o), args);
        long tid = ids.tid(o.device(), EventTrack.of(event));
        String status = o.status().name().toLowerCase(Locale.ROOT);
        out.slice(pid, tid, ts, sliceName(o), status, args);
        slices++;
        if (o.status() == Status.OK
                && (event instanceof Event.GpuFault || event instanceof Event.GpuHang)) {
            out.instant(pid, tid, ts, o.type(), "gpu", args);
        }
        for (Effect e : o.effects()) {
            if (INSTANT_EFFECTS.contains(e.kind()) && e.vm() != null) {
                long vmTid = ids.tid(o.device(), Track.vm(e.vm()));
                out.instant(pid, vmTid, ts, e.kind().label(), "effect", effectArgs(e));
            }
        }
        for (Alert a : applied.alerts()) {
            Track track = a.vm() == null ? Track.DEVICE : Track.vm(a.vm());
            String json = AlertFormat.json(AlertEncoder.encode(a));
            out.instant(
                    pid,
                    ids.tid(o.device(), track),
                    ts,
                    "alert " + a.rule().label(),
                    "alert " + a.severity().name().toLowerCase(Locale.ROOT),
                    json);
        }
        if (shown.put(o.device(), Boolean.TRUE) == null) {
            for (long vm : c.vms()) {
                vmCounters(pid, ts, vm, c.vm(vm));
            }
            deviceCounters(pid, ts, c);
            return;
        }
        for (long vm : changes.vms()) {
            vmCounters(pid, ts, vm, c.vm(vm));
        }
        if (changes.liveBoBytes()) {
            deviceCounters(pid, ts, c);
        }
    }

    /** Ends the trace and flushes it. */
    public void finish() throws IOException {
        out.finish();
    }

    /** Ledger entries written as slices so far. */
    public long slices() {
        return slices;
    }

    private static String sliceName(Outcome o) {
        return switch (o.status()) {
            case ERROR -> o.type() + " " + o.errno();
            case DUPLICATE -> o.type() + " (duplicate)";
            default -> o.type();
        };
    }

    private void vmCounters(long pid, long ts, long vm, PageTableStats s) throws IOException {
        out.counter(
                pid,
                ts,
                Track.vm(vm).label(),
                VM_COUNTERS,
                new long[] {s.mappedBytes(), s.tablePages()});
    }

    private void deviceCounters(long pid, long ts, DeviceCounters c) throws IOException {
        out.counter(pid, ts, Track.DEVICE.label(), DEVICE_COUNTERS, new long[] {c.liveBoBytes()});
    }

    private static String effectArgs(Effect e) {
        StringBuilder b = new StringBuilder("{\"vm\":").append(e.vm());
        if (e.iova() != null) {
            b.append(",\"iova\":");
            JsonOut.string(b, "0x" + Long.toHexString(e.iova()));
        }
        if (e.reason() != null) {
            b.append(",\"reason\":");
            JsonOut.string(b, e.reason());
        }
        return b.append('}').toString();
    }
}
