package io.vmledger.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.DeviceSummary;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code /devices/{d}/summary} answer a device may legitimately get while the engine folds a
 * trace: the in-memory fold's summary after each of the device's events, by the {@code last_seq} it
 * reached. An answer that is not among them mixes two events' state (a torn read), or is no state
 * the device ever had.
 */
public final class SummaryHistory {
    /** The fields of a summary answer, in the order {@link #fields} returns them. */
    public static final List<String> FIELDS =
            List.of("last_seq", "bos", "total", "shared", "resident", "purgeable");

    // device -> last_seq -> every summary the device had with that last_seq (rejected events may
    // leave the seq where it was)
    private final Map<String, Map<Long, Set<List<Long>>>> summaries = new HashMap<>();

    /** The summaries of every device after each event of {@code events}, folded in order. */
    public SummaryHistory(List<VmEvent> events) {
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        for (VmEvent e : events) {
            ledger.apply(e.getDevice(), e.getSeq(), e.getTs(), EventDecoder.decode(e));
            DeviceQueries q = new DeviceQueries(ledger.tables(e.getDevice()), FoldConfig.DEFAULT);
            DeviceSummary s = q.summary();
            long seq = q.device().lastSeq();
            summaries
                    .computeIfAbsent(e.getDevice(), d -> new HashMap<>())
                    .computeIfAbsent(seq, k -> new HashSet<>())
                    .add(List.of(seq, s.bos(), s.total(), s.shared(), s.resident(), s.purgeable()));
        }
    }

    /** The {@link #FIELDS} of a summary answer. */
    public static List<Long> fields(JsonNode summary) {
        return FIELDS.stream().map(f -> summary.get(f).asLong()).toList();
    }

    /**
     * Null if {@code summary} (a 200 answer's body for {@code device}) is the device's state after
     * one of its events; else what is wrong with it.
     */
    public String problem(String device, JsonNode summary) {
        List<Long> got = fields(summary);
        Set<List<Long>> valid = summaries.getOrDefault(device, Map.of()).get(got.get(0));
        if (valid == null) {
            return device + " never had last_seq " + got.get(0) + ": " + summary;
        }
        if (!valid.contains(got)) {
            return device
                    + " at last_seq "
                    + got.get(0)
                    + " had "
                    + valid
                    + " "
                    + FIELDS
                    + ", answered "
                    + got
                    + " (a torn read?)";
        }
        return null;
    }
}
