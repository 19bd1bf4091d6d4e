package io.vmledger.cli;

import io.vmledger.schema.json.EventTime;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.json.StateJson;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.audit.AsOfState;
import io.vmledger.tools.audit.AuditTable;
import io.vmledger.tools.audit.LedgerAudit;
import io.vmledger.tools.audit.Touches;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmledger audit}: a device's history from the engine's topics. Without {@code --as-of}, the
 * ledger entries that touched a VM, address or BO in a window of event time, one JSON line each as
 * {@code replay} prints them (or a table); with {@code --as-of T}, the device's full state at T as
 * {@code replay --state} prints it for the trace cut at T.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Audit a device's history in Kafka.",
            "Lists every ledger entry of the device that touched the VM, address or BO in the window"
                    + " (one JSON line per entry, as replay prints it), or with --as-of prints the device's"
                    + " full state at that time (as replay --state prints it for the events up to then).",
            "Times are microseconds since the epoch or ISO-8601 with offset (2026-01-01T00:00:05Z).",
            "Exit status: 0 when the audit ran (also with nothing found), 1 if reading Kafka failed,"
                    + " 2 for bad arguments, a missing topic or no broker."
        })
public final class AuditCommand implements Callable<Integer> {
    @Option(names = "--device", required = true, paramLabel = "D", description = "The device.")
    String device;

    @Option(
            names = "--vm",
            paramLabel = "V",
            description = "Only entries touching this VM (decimal or 0x hex).")
    String vm;

    @Option(
            names = "--iova",
            paramLabel = "X",
            description = "Only entries touching this GPU address.")
    String iova;

    @Option(names = "--bo", paramLabel = "B", description = "Only entries touching this BO.")
    String bo;

    @Option(
            names = "--from",
            paramLabel = "T",
            description = "Window start (inclusive); default: the beginning.")
    String from;

    @Option(
            names = "--to",
            paramLabel = "T",
            description = "Window end (inclusive); default: the end.")
    String to;

    @Option(
            names = "--table",
            description =
                    "A readable table instead of JSON lines: time, seq, type, status, VMs and"
                            + " what the entry did (with --iova, only what it did at that address).")
    boolean table;

    @Option(
            names = "--as-of",
            paramLabel = "T",
            description =
                    "Print the device's full state at T instead (latest snapshot at or before T + the events after it).")
    String asOf;

    @Mixin KafkaOptions kafka;

    @Mixin FoldOptions fold;

    @Option(names = "--quiet", description = "No summary line on stderr.")
    boolean quiet;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Long vmId;
        Long address;
        Long boId;
        long start;
        long end;
        Long at;
        try {
            if (iova != null && bo != null) {
                throw new IllegalArgumentException("--iova and --bo are exclusive");
            }
            if (asOf != null
                    && (vm != null
                            || iova != null
                            || bo != null
                            || from != null
                            || to != null
                            || table)) {
                throw new IllegalArgumentException(
                        "--as-of prints the whole state: it takes no --vm, --iova, --bo,"
                                + " --from, --to or --table");
            }
            if (fold.problem() != null) {
                throw new IllegalArgumentException(fold.problem());
            }
            vmId = u64("--vm", vm);
            address = u64("--iova", iova);
            boId = u64("--bo", bo);
            start = from == null ? 0 : time("--from", from);
            end = to == null ? Long.MAX_VALUE : time("--to", to);
            at = asOf == null ? null : time("--as-of", asOf);
            if (start > end) {
                throw new IllegalArgumentException("--from must not be after --to");
            }
        } catch (IllegalArgumentException e) {
            err.println("vmledger audit: " + e.getMessage());
            return 2;
        }
        String problem = KafkaReach.problem(kafka.bootstrap);
        if (problem != null) {
            err.println("vmledger audit: " + problem);
            return 2;
        }
        Topics topics = kafka.topics(1);
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (at != null) {
                AsOfState.Result r =
                        AsOfState.at(kafka.bootstrap, topics, fold.config(), device, at);
                StateJson.device(device, r.state(), out);
                out.flush();
                summary(
                        err,
                        "device '"
                                + device
                                + "' as of "
                                + EventTime.iso(at)
                                + " ("
                                + at
                                + " microseconds since the epoch): "
                                + (r.snapshotSeq() == null
                                        ? "no snapshot"
                                        : "snapshot at seq "
                                                + Long.toUnsignedString(r.snapshotSeq()))
                                + " + "
                                + r.replayed()
                                + " events replayed"
                                + skipped(r.skipped()));
                return 0;
            }
            AuditTable rows = table ? new AuditTable(address) : null;
            if (table) {
                out.println(AuditTable.header());
            }
            long[] matched = {0};
            StringBuilder line = new StringBuilder(512);
            long read =
                    LedgerAudit.scan(
                            kafka.bootstrap,
                            topics,
                            device,
                            new Touches(vmId, address, boId),
                            start,
                            end,
                            m -> {
                                matched[0]++;
                                if (table) {
                                    out.println(rows.row(m));
                                } else {
                                    line.setLength(0);
                                    LedgerJson.write(m.entry(), line);
                                    out.println(line);
                                }
                            });
            out.flush();
            summary(
                    err,
                    matched[0]
                            + " of "
                            + read
                            + " ledger entries of device '"
                            + device
                            + "' in the window matched");
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("vmledger audit: " + e.getMessage());
            return 2;
        } catch (IllegalStateException | KafkaException e) {
            err.println("vmledger audit: " + e.getMessage());
            return 1;
        }
    }

    private void summary(PrintWriter err, String text) {
        if (!quiet) {
            err.println("vmledger audit: " + text);
        }
    }

    private static String skipped(long n) {
        return n == 0
                ? ""
                : " ("
                        + n
                        + " undecodable records of the device passed over, as the engine dead-letters them)";
    }

    private static Long u64(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return text.startsWith("0x") || text.startsWith("0X")
                    ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    option + " must be a u64 (decimal or 0x hex), got '" + text + "'");
        }
    }

    private static long time(String option, String text) {
        try {
            return EventTime.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }
}
