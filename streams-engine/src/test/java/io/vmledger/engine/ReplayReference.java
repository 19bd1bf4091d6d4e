package io.vmledger.engine;

import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.producer.trace.TraceLine;
import io.vmledger.producer.trace.TraceReader;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.json.StateJson;
import io.vmledger.schema.json.TraceJson;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code vmledger replay} makes of a trace (the in-memory fold): the reference the engine must
 * equal.
 */
public final class ReplayReference {
    private final InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
    private final List<String> outcomes = new ArrayList<>();
    private final List<VmEvent> events = new ArrayList<>();

    /** Folds {@code traceLines} (all readable). */
    public ReplayReference(List<String> traceLines) {
        try (TraceReader r =
                new TraceReader(
                        new BufferedReader(new StringReader(String.join("\n", traceLines))))) {
            while (r.hasNext()) {
                VmEvent e = ((TraceLine.Parsed) r.next()).event();
                events.add(e);
                outcomes.add(
                        LedgerJson.format(
                                OutcomeEncoder.encode(
                                        ledger.apply(
                                                        e.getDevice(),
                                                        e.getSeq(),
                                                        e.getTs(),
                                                        EventDecoder.decode(e))
                                                .outcome())));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The reference of the fleet {@code config} simulates. */
    public static ReplayReference ofFleet(SimConfig config) {
        List<String> trace = new ArrayList<>();
        new FleetSim(config).forEachRemaining(e -> trace.add(TraceJson.format(e.event())));
        return new ReplayReference(trace);
    }

    /** The in-memory ledger after the whole trace. */
    public InMemoryLedger ledger() {
        return ledger;
    }

    /** The trace's events, in order. */
    public List<VmEvent> events() {
        return events;
    }

    /** One outcome line per event, in trace order. */
    public List<String> outcomes() {
        return outcomes;
    }

    /** The outcomes of one device, in order. */
    public List<String> outcomes(String device) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).getDevice().equals(device)) {
                out.add(outcomes.get(i));
            }
        }
        return out;
    }

    /** The {@code replay --state} lines of every device. */
    public List<String> stateLines() {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, DeviceQueries> d : ledger.devices().entrySet()) {
            out.addAll(stateLines(d.getKey(), d.getValue()));
        }
        return out;
    }

    /** The state lines of one device as {@code replay --state} prints them. */
    public static List<String> stateLines(String device, DeviceQueries q) {
        List<String> out = new ArrayList<>();
        for (VmView vm : q.vms()) {
            out.add(StateJson.vm(device, vm));
        }
        for (BoRecord bo : q.bos()) {
            out.add(StateJson.bo(device, bo));
        }
        return out;
    }
}
