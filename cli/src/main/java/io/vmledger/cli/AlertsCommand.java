package io.vmledger.cli;

import io.vmledger.schema.Alert;
import io.vmledger.schema.Severity;
import io.vmledger.tools.alert.AlertFormat;
import io.vmledger.tools.kafka.TopicReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vmledger alerts}: prints the engine's leak and anomaly alerts from the alerts topic. */
@Command(
        name = "alerts",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print the leak and anomaly alerts the engine raised (topic PREFIX + alerts), from the"
                    + " beginning, committed records only: a table (time, severity, rule, device, vm, bo, evidence)"
                    + " or JSON lines.",
            "Stops at the end of the topic unless --follow.",
            "Exit status: 0 when every record was read, 1 when some were not alerts, 2 for bad arguments"
                    + " or no broker."
        })
public final class AlertsCommand implements Callable<Integer> {
    @Mixin KafkaOptions kafka;

    @Option(names = "--json", description = "One JSON object per line instead of a table.")
    boolean json;

    @Option(
            names = "--follow",
            description = "Keep printing new alerts until interrupted (Ctrl-C).")
    boolean follow;

    @Option(names = "--device", paramLabel = "DEVICE", description = "Only this device's alerts.")
    String device;

    @Option(
            names = "--min-severity",
            paramLabel = "LEVEL",
            defaultValue = "info",
            description = "info (everything) or warning (default: ${DEFAULT-VALUE}).")
    String minSeverity;

    @Spec CommandSpec spec;

    @Override
    @SuppressWarnings("try") // the StopSignal is held open around the work, never read
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!minSeverity.equals("info") && !minSeverity.equals("warning")) {
            err.println(
                    "vmledger alerts: --min-severity must be info or warning, got '"
                            + minSeverity
                            + "'");
            return 2;
        }
        String problem = KafkaReach.problem(kafka.bootstrap);
        if (problem != null) {
            err.println("vmledger alerts: " + problem);
            return 2;
        }
        Printer printer = new Printer(out, err);
        try (TopicReader<String, Alert> reader = kafka.reader(kafka.topics(1).alerts(), device);
                StopSignal stop =
                        new StopSignal("alerts", reader::wakeup, Duration.ofSeconds(10))) {
            if (!json) {
                out.println(AlertFormat.HEADER);
            }
            reader.read(follow, printer);
            out.flush();
            err.println(
                    "vmledger alerts: "
                            + printer.printed
                            + " alert(s) printed"
                            + (printer.unreadable > 0
                                    ? ", " + printer.unreadable + " unreadable record(s)"
                                    : ""));
            err.flush();
            return printer.unreadable > 0 ? 1 : 0;
        } catch (IllegalArgumentException e) {
            err.println("vmledger alerts: " + e.getMessage());
            return 2;
        } catch (IllegalStateException | KafkaException | IOException e) {
            err.println("vmledger alerts: " + e.getMessage());
            return 1;
        }
    }

    /** Filters and prints what the reader finds. */
    private final class Printer implements TopicReader.Handler<Alert> {
        private final PrintWriter out;
        private final PrintWriter err;
        long printed;
        long unreadable;

        Printer(PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void record(Alert a, ConsumerRecord<byte[], byte[]> raw) {
            if ((device != null && !device.equals(a.getDevice()))
                    || (minSeverity.equals("warning") && a.getSeverity() != Severity.warning)) {
                return;
            }
            out.println(json ? AlertFormat.json(a) : AlertFormat.row(a));
            printed++;
            if (follow) {
                out.flush();
            }
        }

        @Override
        public void unreadable(ConsumerRecord<byte[], byte[]> raw, String reason) {
            err.println(
                    "vmledger alerts: "
                            + raw.topic()
                            + "-"
                            + raw.partition()
                            + "@"
                            + raw.offset()
                            + " is not an alert: "
                            + reason);
            unreadable++;
        }
    }
}
