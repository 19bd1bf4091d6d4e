package io.vmledger.cli;

import io.vmledger.core.ledger.Applied;
import io.vmledger.producer.trace.TraceLine;
import io.vmledger.producer.trace.TraceReader;
import io.vmledger.schema.Status;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.codec.EventDecoder;
import io.vmledger.schema.json.EventTime;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.audit.DeviceEvents;
import io.vmledger.tools.perfetto.LedgerTrace;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger export --perfetto}: folds JSON traces offline, or the events read back from the
 * events topic, exactly as {@code replay} does and writes the ledger as a trace file for
 * ui.perfetto.dev and {@code trace_processor} ({@link LedgerTrace}), streamed as the fold goes.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description = {
            "Write the ledger of traces, folded offline as replay does, as a Perfetto trace file.",
            "Without TRACE it reads the events topic instead (--bootstrap, committed events only, up"
                    + " to its end when the export starts), e.g. a device of a running 'vmledger demo'.",
            "A process per device, a track per VM and per file, a slice per ledger entry (its args:"
                    + " the replay outcome, with ops and steps), counters mapped_bytes and pt_pages per"
                    + " VM and live_bo_bytes per device, instants for faults, hangs, coredumps and alerts.",
            "The file is in the Chrome JSON trace-event format: open it in https://ui.perfetto.dev or"
                    + " with trace_processor.",
            "Exit status: 0 when every line was read, 2 for bad arguments, an unreadable file or no"
                    + " broker, 1 if reading the topic failed."
        })
public final class ExportCommand implements Callable<Integer> {
    @Option(
            names = "--perfetto",
            required = true,
            description = "Write a Perfetto trace (the only export format so far).")
    boolean perfetto;

    @Parameters(
            arity = "0..*",
            paramLabel = "TRACE",
            description =
                    "Trace files (JSON Lines), folded in the order given; '-' reads standard input."
                            + " None: read the events topic.")
    List<String> inputs = new ArrayList<>();

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE",
            defaultValue = "-",
            description =
                    "Where to write the trace, e.g. ledger.json ('-': standard output, the default).")
    String output;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description = "Export only this device (repeatable; default: every device).")
    Set<String> devices = new TreeSet<>();

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description =
                    "Write only entries at or after this event time (µs since the epoch or ISO-8601);"
                            + " the fold still starts at the beginning.")
    String fromText;

    @Option(
            names = "--to",
            paramLabel = "TIME",
            description =
                    "Write only entries before this event time (µs since the epoch or ISO-8601).")
    String toText;

    @Mixin FoldOptions fold;

    @Mixin KafkaOptions kafka;

    @Option(names = "--quiet", description = "No summary line on stderr.")
    boolean quiet;

    @Spec CommandSpec spec;

    private long from;
    private long to;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String problem = argumentProblem();
        if (problem != null) {
            err.println("vmledger export: " + problem);
            return 2;
        }
        boolean fromTopic = inputs.isEmpty();
        if (fromTopic) {
            String unreachable = KafkaReach.problem(kafka.bootstrap);
            if (unreachable != null) {
                err.println("vmledger export: " + unreachable);
                return 2;
            }
        }
        ReplayCounts counts = new ReplayCounts();
        Progress progress = Progress.forStderr("export");
        String reading = null;
        try (Writer out = open()) {
            LedgerTrace trace = new LedgerTrace(out, fold.config(), from, to);
            if (fromTopic) {
                reading = "the events topic at " + kafka.bootstrap;
                readTopic(trace, counts, progress);
            }
            for (String input : inputs) {
                reading = input;
                try (TraceReader reader = new TraceReader(TraceReader.open(input))) {
                    while (reader.hasNext()) {
                        fold(reader.next(), trace, counts);
                        progress.tick(counts.total());
                    }
                }
            }
            reading = null;
            trace.finish();
            progress.done();
            if (!quiet) {
                err.println(
                        "vmledger export: "
                                + counts
                                + "; "
                                + trace.slices()
                                + " entries written to "
                                + ("-".equals(output) ? "standard output" : output));
            }
        } catch (IllegalStateException | KafkaException e) {
            progress.done();
            err.println("vmledger export: cannot read " + reading + ": " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            progress.done();
            err.println(
                    "vmledger export: "
                            + (reading != null
                                    ? "cannot read " + reading
                                    : "cannot write " + output)
                            + ": "
                            + PathCheck.reason(e));
            return 2;
        }
        return 0;
    }

    /** Folds the events topic: each named device's partition in turn, or the whole topic. */
    private void readTopic(LedgerTrace trace, ReplayCounts counts, Progress progress)
            throws IOException {
        Topics topics = kafka.topics(1);
        if (devices.isEmpty()) {
            foldAll(DeviceEvents.fleet(kafka.bootstrap, topics), trace, counts, progress);
        }
        for (String d : devices) {
            foldAll(DeviceEvents.of(kafka.bootstrap, topics, d), trace, counts, progress);
        }
    }

    private static void foldAll(
            DeviceEvents events, LedgerTrace trace, ReplayCounts counts, Progress progress)
            throws IOException {
        try (events) {
            trace.foldAll(
                    events,
                    a -> {
                        count(a, counts);
                        progress.tick(counts.total());
                    });
        }
    }

    /** The first unusable argument, as one line, or null. */
    private String argumentProblem() {
        if (fold.problem() != null) {
            return fold.problem();
        }
        try {
            from = fromText == null ? 0 : time("--from", fromText);
            to = toText == null ? Long.MAX_VALUE : time("--to", toText);
            if (to <= from) {
                return "--to must be after --from";
            }
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        String unreadable = inputs.isEmpty() ? null : PathCheck.readProblem(inputs);
        if (unreadable != null) {
            return unreadable;
        }
        return "-".equals(output) ? null : PathCheck.writeProblem(Path.of(output));
    }

    private static long time(String option, String text) {
        try {
            return EventTime.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    private Writer open() throws IOException {
        if ("-".equals(output)) {
            return new BufferedWriter(spec.commandLine().getOut(), 1 << 16) {
                @Override
                public void close() throws IOException {
                    flush(); // standard output stays open
                }
            };
        }
        return new BufferedWriter(
                new OutputStreamWriter(
                        Files.newOutputStream(Path.of(output)), StandardCharsets.UTF_8),
                1 << 16);
    }

    /** Folds one trace line as replay does and hands its entry to the export. */
    private void fold(TraceLine line, LedgerTrace trace, ReplayCounts counts) throws IOException {
        if (line instanceof TraceLine.Bad bad) {
            if (devices.isEmpty() || devices.contains(bad.device())) {
                counts.add(Status.bad_event);
            }
            return;
        }
        VmEvent e = ((TraceLine.Parsed) line).event();
        if (!devices.isEmpty() && !devices.contains(e.getDevice())) {
            return;
        }
        count(trace.fold(e, EventDecoder.decode(e)), counts);
    }

    private static void count(Applied a, ReplayCounts counts) {
        counts.add(Status.valueOf(a.outcome().status().name().toLowerCase(Locale.ROOT)));
    }
}
