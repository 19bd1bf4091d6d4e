package io.vmledger.cli;

import io.vmledger.engine.topology.Topics;
import io.vmledger.producer.kafka.EventPublisher;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vmledger produce}: publishes JSON traces to the events topic as Avro events, keyed by device. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Publish JSON Lines traces to Kafka as Avro events (idempotent producer, key = device).",
                "Several files are published concurrently. Unreadable lines are reported and not sent.",
                "Exit status: 0 when every line was sent, 1 when some were not, 2 for bad arguments or no broker."})
public final class ProduceCommand implements Callable<Integer> {
    @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE",
            description = "Trace file (JSON Lines); repeat for several files, '-' reads standard input.")
    List<String> inputs;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the engine's embedded broker).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = Topics.EVENTS, description = "Events topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        String problem = KafkaReach.problem(bootstrap);
        if (problem != null) {
            err.println("vmledger produce: " + problem);
            return 2;
        }
        long sent = 0;
        boolean complete = true;
        try (EventPublisher publisher = new EventPublisher(bootstrap, topic, Map.of())) {
            for (TraceFeeder.FileResult r : new TraceFeeder(publisher, err, "vmledger produce").feed(inputs)) {
                sent += r.sent();
                if (r.error() != null) {
                    err.println("vmledger produce: " + r.file() + ": " + r.error());
                    complete = false;
                } else {
                    err.println("vmledger produce: " + r.file() + ": " + r.sent() + " events sent"
                            + (r.bad() > 0 ? ", " + r.bad() + " unreadable lines not sent" : ""));
                    complete &= r.bad() == 0;
                }
            }
        } catch (IllegalStateException e) {
            err.println("vmledger produce: " + e.getMessage());
            return 1;
        }
        err.println("vmledger produce: " + sent + " events sent to " + topic + " on " + bootstrap);
        return complete ? 0 : 1;
    }
}
