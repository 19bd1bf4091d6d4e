package io.vmledger.engine.query;

import io.vmledger.core.event.Event;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmBind;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.json.JsonOut;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.audit.AsOfState;
import io.vmledger.tools.audit.LedgerAudit;
import io.vmledger.tools.audit.Touches;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device's past, for the web UI's time travel: its ledger as a timeline (each entry with the
 * event that caused it, as a trace line), the entries that touched a BO, and its state as of a
 * ledger entry. An entry shows at most {@link #OPS_SHOWN} ops of a VM_BIND (and how many it had).
 *
 * <p>The past is rebuilt from the topics, exactly as {@code vmledger audit} does: the timeline and
 * histories by {@link LedgerAudit} (ledger entries paired with their events), the state by {@link
 * AsOfState} (the newest snapshot at or before the entry, then the device's following events folded
 * up to it). A few recent states are cached, since the map asks for several windows of one state.
 */
final class TimeTravel {
    /** The most entries one timeline lists (the newest). */
    static final int KEEP = 5000;

    private static final int CACHED_STATES = 4;

    /** Devices whose timelines are kept between requests. */
    private static final int CACHED_TIMELINES = 16;

    /** The ops of a VM_BIND an entry shows (with {@code ops_total}). */
    static final int OPS_SHOWN = 4;

    private final String bootstrap;
    private final Topics topics;
    private final FoldConfig config;

    /** Recently rebuilt states by "device\0seq", least recently used first; guarded by itself. */
    private final Map<String, DeviceQueries> states = lru(CACHED_STATES);

    /** Timelines of the devices asked for last, least recently used first; guarded by itself. */
    private final Map<String, Timeline> timelines = lru(CACHED_TIMELINES);

    TimeTravel(String bootstrap, Topics topics, FoldConfig config) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.config = config;
    }

    /** A map that keeps its {@code capacity} most recently used entries. */
    private static <V> Map<String, V> lru(int capacity) {
        return new LinkedHashMap<>(2 * capacity, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * {@code device}'s state right after its ledger entry {@code seq} (its events up to that seq
     * folded), or null if the device had no event by then.
     */
    DeviceQueries stateAt(String device, long seq) {
        String key = device + '\0' + Long.toUnsignedString(seq);
        synchronized (states) {
            DeviceQueries cached = states.get(key);
            if (cached != null) {
                return cached;
            }
        }
        DeviceQueries q =
                AsOfState.at(bootstrap, topics, config, device, Long.MAX_VALUE, seq).state();
        if (q.device() == null) {
            return null;
        }
        synchronized (states) {
            states.put(key, q);
        }
        return q;
    }

    /**
     * {@code {"device":…,"total":N,"entries":[…]}}: the device's newest {@link #KEEP} entries. The
     * timelines of the last few devices asked for are kept and extended by what the ledger gained
     * since ({@link LedgerAudit#follow}), so a page polling a busy device reads only its new
     * entries.
     */
    String timeline(String device) {
        Timeline t;
        synchronized (timelines) {
            t = timelines.computeIfAbsent(device, d -> new Timeline());
        }
        synchronized (t) {
            t.position = LedgerAudit.follow(bootstrap, topics, device, t.position, t::add);
            return json(device, t.total, t.rows);
        }
    }

    /** The device's entries that touched BO {@code bo}. */
    String boHistory(String device, long bo) {
        Timeline t = new Timeline();
        LedgerAudit.scan(
                bootstrap, topics, device, new Touches(null, null, bo), 0, Long.MAX_VALUE, t::add);
        return json(device, t.total, t.rows);
    }

    private static String json(String device, long total, Deque<String> rows) {
        StringBuilder b = new StringBuilder(64 + rows.size() * 160);
        b.append("{\"device\":");
        JsonOut.string(b, device);
        b.append(",\"total\":").append(total).append(",\"entries\":[");
        b.append(String.join(",", rows));
        return b.append("]}").toString();
    }

    /**
     * Ledger entries listed so far (the newest {@link #KEEP}), how many there were, the highest seq
     * among them, and where reading stopped; guarded by itself.
     */
    private static final class Timeline {
        final Deque<String> rows = new ArrayDeque<>();
        long total;
        long at;
        LedgerAudit.Position position = LedgerAudit.Position.START;

        void add(LedgerAudit.Match m) {
            long seq = m.entry().getSeq();
            if (total++ == 0 || Long.compareUnsigned(seq, at) > 0) {
                at = seq;
            }
            rows.addLast(entry(m, at));
            if (rows.size() > KEEP) {
                rows.removeFirst();
            }
        }
    }

    /**
     * One timeline entry: seq, time, type, status (and errno), the trace line, a fault's place, and
     * {@code at}: the highest seq of the device's entries so far, the seq to ask a past state for
     * ({@code ?seq=}). Entries are in ledger order, where a duplicate's own seq is below the last
     * one folded: the state at a duplicate is the state after {@code at}, not after its seq.
     */
    private static String entry(LedgerAudit.Match m, long at) {
        LedgerEntry e = m.entry();
        StringBuilder b = new StringBuilder(192);
        b.append("{\"seq\":").append(e.getSeq());
        b.append(",\"at\":").append(at);
        b.append(",\"ts\":").append(e.getTs() == null ? 0 : e.getTs());
        b.append(",\"type\":");
        JsonOut.string(b, e.getType() == null ? "" : e.getType());
        b.append(",\"status\":\"").append(e.getStatus()).append('"');
        if (e.getErrno() != null) {
            b.append(",\"errno\":");
            JsonOut.string(b, e.getErrno());
        }
        Event domain = EventDecoder.decode(m.event());
        if (domain instanceof Event.GpuFault f) {
            b.append(",\"fault\":{\"vm\":");
            JsonOut.u64(b, f.file());
            b.append(",\"iova\":");
            JsonOut.u64(b, f.iova());
            b.append(",\"write\":").append(f.write()).append(",\"fault_type\":");
            JsonOut.string(b, f.faultType());
            b.append('}');
        } else if (domain instanceof Event.GpuHang h) {
            b.append(",\"hang\":{\"vm\":");
            JsonOut.u64(b, h.file());
            b.append('}');
        }
        VmEvent event = m.event();
        if (event.getPayload() instanceof VmBind bind && bind.getOps().size() > OPS_SHOWN) {
            // a timeline of big binds would weigh megabytes: the first ops and how many there are
            b.append(",\"ops_total\":").append(bind.getOps().size());
            event =
                    VmEvent.newBuilder(event)
                            .setPayload(
                                    VmBind.newBuilder(bind)
                                            .setOps(
                                                    new ArrayList<>(
                                                            bind.getOps().subList(0, OPS_SHOWN)))
                                            .build())
                            .build();
        }
        b.append(",\"event\":").append(TraceJson.format(event));
        return b.append('}').toString();
    }
}
