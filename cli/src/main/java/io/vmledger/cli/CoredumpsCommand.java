package io.vmledger.cli;

import io.vmledger.schema.Coredump;
import io.vmledger.tools.coredump.CoredumpDirectory;
import io.vmledger.tools.kafka.TopicReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger coredumps}: reads the engine's coredumps topic from the beginning and writes one
 * devcoredump text file per snapshot ({@code DIR/<device>-<seq>-<reason>.devcore}; the same name
 * for the same dump, so running it again rewrites the same files).
 */
@Command(
        name = "coredumps",
        mixinStandardHelpOptions = true,
        description = {
            "Write the engine's devcoredump snapshots (gpu_fault, gpu_hang) as msm devcoredump text.",
            "One file per dump, DIR/DEVICE-SEQ-REASON.devcore, with a vmledger: section attributing the fault.",
            "Reads committed records from the beginning and stops at the end of the topic unless --follow.",
            "Exit status: 0 when every record was written, 1 when some were unreadable,"
                    + " 2 for bad arguments or no broker."
        })
public final class CoredumpsCommand implements Callable<Integer> {
    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Directory for the dump files (created if missing).")
    Path out;

    @Mixin KafkaOptions kafka;

    @Option(names = "--follow", description = "Keep waiting for new dumps (Ctrl-C stops).")
    boolean follow;

    @Option(names = "--device", paramLabel = "D", description = "Only the dumps of this device.")
    String device;

    @Spec CommandSpec spec;

    @Override
    @SuppressWarnings("try") // the StopSignal is held open around the work, never read
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        String unusable = PathCheck.directoryProblem(out);
        if (unusable != null) {
            err.println("vmledger coredumps: " + unusable);
            return 2;
        }
        CoredumpDirectory dir;
        try {
            dir = new CoredumpDirectory(out);
        } catch (IOException e) {
            err.println("vmledger coredumps: cannot create " + out + ": " + PathCheck.reason(e));
            return 2;
        }
        String problem = KafkaReach.problem(kafka.bootstrap);
        if (problem != null) {
            err.println("vmledger coredumps: " + problem);
            return 2;
        }
        long[] counts = new long[2];
        try (TopicReader<String, Coredump> reader =
                        kafka.reader(kafka.topics(1).coredumps(), device);
                StopSignal stop =
                        new StopSignal("coredumps", reader::wakeup, Duration.ofSeconds(10))) {
            reader.read(
                    follow,
                    new TopicReader.Handler<>() {
                        @Override
                        public void record(Coredump c, ConsumerRecord<byte[], byte[]> raw)
                                throws IOException {
                            if (device == null || device.equals(c.getDevice())) {
                                stdout.println(dir.write(c));
                                stdout.flush();
                                counts[0]++;
                            }
                        }

                        @Override
                        public void unreadable(ConsumerRecord<byte[], byte[]> raw, String reason) {
                            err.println(
                                    "vmledger coredumps: "
                                            + raw.topic()
                                            + "-"
                                            + raw.partition()
                                            + "@"
                                            + raw.offset()
                                            + " is not a coredump: "
                                            + reason);
                            counts[1]++;
                        }
                    });
            err.println(
                    "vmledger coredumps: "
                            + counts[0]
                            + " dumps written to "
                            + out
                            + (counts[1] > 0
                                    ? ", " + counts[1] + " unreadable records skipped"
                                    : ""));
            err.flush();
            return counts[1] == 0 ? 0 : 1;
        } catch (IllegalArgumentException e) {
            err.println("vmledger coredumps: " + e.getMessage());
            return 2;
        } catch (IllegalStateException | KafkaException | IOException e) {
            err.println("vmledger coredumps: " + e.getMessage());
            return 1;
        }
    }
}
