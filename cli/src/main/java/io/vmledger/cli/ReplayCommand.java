package io.vmledger.cli;

import io.vmledger.core.alert.Alert;
import io.vmledger.core.alert.AlertThresholds;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.ledger.Applied;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.producer.trace.TraceLine;
import io.vmledger.producer.trace.TraceReader;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.AlertEncoder;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.codec.OutcomeEncoder;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.json.StateJson;
import io.vmledger.tools.alert.AlertFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger replay}: folds a JSON trace in one process, without Kafka, through the same
 * decode → core façade → encode path as the engine, and prints one outcome line per event
 * (trace-and-replay.md §2–§3), then the alerts with {@code --alerts} and the final state with
 * {@code --state}.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Fold a JSON Lines trace offline and print one outcome line per event.",
            "Exit status: 0 when every line was read (error outcomes are data), 2 for bad arguments"
                    + " or an unreadable file. Bad lines are reported in place and counted on stderr."
        })
public final class ReplayCommand implements Callable<Integer> {
    @Option(
            names = {"-i", "--input"},
            required = true,
            paramLabel = "FILE",
            description = "Trace file (JSON Lines); '-' reads standard input.")
    String input;

    @Option(
            names = "--state",
            description = "After the outcomes, print the final state: VMs, then BOs, per device.")
    boolean state;

    @Mixin FoldOptions fold;

    @Option(
            names = "--alerts",
            description =
                    "After the outcomes, print the alerts the events raised (one JSON"
                            + " object per line, as 'vmledger alerts --json' prints them; lifetime conditions swept after every event).")
    boolean alerts;

    @Option(names = "--quiet", description = "No summary line on stderr.")
    boolean quiet;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (fold.problem() != null) {
            err.println("vmledger replay: " + fold.problem());
            return 2;
        }
        String unreadable = PathCheck.readProblem(input);
        if (unreadable != null) {
            err.println("vmledger replay: " + unreadable);
            return 2;
        }
        FoldConfig config = fold.config();
        InMemoryLedger ledger = new InMemoryLedger(config, AlertThresholds.DEFAULT, 0);
        List<Alert> raised = new ArrayList<>();
        ReplayCounts counts = new ReplayCounts();
        Progress progress = Progress.forStderr("replay");
        Writer out = new BufferedWriter(spec.commandLine().getOut(), 1 << 16);
        StringBuilder line = new StringBuilder(512);
        try (TraceReader reader = new TraceReader(TraceReader.open(input))) {
            while (reader.hasNext()) {
                LedgerEntry entry = replayLine(reader.next(), ledger, raised);
                counts.add(entry.getStatus());
                line.setLength(0);
                LedgerJson.write(entry, line);
                out.append(line).append('\n');
                progress.tick(counts.total());
            }
            if (alerts) {
                for (Alert a : raised) {
                    out.append(AlertFormat.json(AlertEncoder.encode(a))).append('\n');
                }
            }
            if (state) {
                writeState(ledger, out);
            }
            out.flush();
        } catch (IOException | UncheckedIOException e) {
            err.println("vmledger replay: cannot read " + input + ": " + PathCheck.reason(e));
            return 2;
        }
        progress.done();
        if (!quiet) {
            err.println("vmledger replay: " + counts);
        }
        return 0;
    }

    private static LedgerEntry replayLine(
            TraceLine line, InMemoryLedger ledger, List<Alert> raised) {
        if (line instanceof TraceLine.Bad bad) {
            return OutcomeEncoder.badEvent(bad.lineNo(), bad.reason(), bad.device(), bad.seq());
        }
        VmEvent e = ((TraceLine.Parsed) line).event();
        Applied a = ledger.apply(e.getDevice(), e.getSeq(), e.getTs(), EventDecoder.decode(e));
        raised.addAll(a.alerts());
        return OutcomeEncoder.encode(a.outcome());
    }

    private static void writeState(InMemoryLedger ledger, Writer out) throws IOException {
        for (Map.Entry<String, DeviceQueries> d : ledger.devices().entrySet()) {
            StateJson.device(d.getKey(), d.getValue(), out);
        }
    }
}
