package io.vmledger.engine.fuzz;

import io.vmledger.engine.ReplayReference;
import io.vmledger.engine.topology.DeadLetters;
import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.json.LedgerJson;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.test.TestRecord;

/**
 * One fuzz run: {@code records} records of {@link RecordFuzzer} for {@code seed}, each judged by
 * {@link AdmissionOracle} before it is piped into a {@link FuzzedEngine}, and each held to its
 * verdict at once: exactly one output record, a ledger entry equal to the {@link ReferenceFold}'s
 * outcome for an admitted record, a dead letter carrying the record's offset, timestamp, bytes and
 * the verdict's reason for a refused one, and the engine's own count one higher. At the end every
 * folded device's state must equal the reference's, and a device seen only in refused records must
 * have none. Any failure (the engine throwing included) is an {@link AssertionError} naming the
 * seed, the record index and how to run it again.
 */
final class InputFuzz {
    private final long seed;
    private final int records;
    private final Map<Mutation, int[]> tally = new EnumMap<>(Mutation.class);
    private final Map<String, Integer> statuses = new TreeMap<>();

    InputFuzz(long seed, int records) {
        this.seed = seed;
        this.records = records;
    }

    /** Runs the fuzz with the engine's state in {@code stateDir}; a one-line summary. */
    String run(Path stateDir) {
        RecordFuzzer fuzzer = new RecordFuzzer(seed);
        ReferenceFold reference = new ReferenceFold();
        Set<String> refusedDevices = new HashSet<>();
        try (FuzzedEngine engine = new FuzzedEngine(stateDir)) {
            for (int i = 0; i < records; i++) {
                FuzzRecord r;
                try {
                    r = fuzzer.next();
                } catch (RuntimeException | Error t) {
                    throw new AssertionError(
                            where() + ", record " + i + ": making it failed\n" + reproduce(i + 1),
                            t);
                }
                AdmissionOracle.Verdict verdict;
                try {
                    verdict = AdmissionOracle.of(r.key(), r.value());
                } catch (Throwable t) {
                    throw failure(i, r, "decoding it failed outside the engine too: " + t, t);
                }
                String expected = null;
                if (verdict instanceof AdmissionOracle.Admit a) {
                    try {
                        expected = reference.apply(a);
                    } catch (RuntimeException | Error t) {
                        throw failure(i, r, "the in-memory fold throws on this admitted event", t);
                    }
                } else if (((AdmissionOracle.Refuse) verdict).device() != null) {
                    refusedDevices.add(((AdmissionOracle.Refuse) verdict).device());
                }
                FuzzedEngine.Outputs out;
                try {
                    out = engine.pipe(r);
                } catch (Throwable t) {
                    throw failure(i, r, "the engine failed: " + t, t);
                }
                check(i, r, verdict, expected, out);
                if (engine.accounted() != i + 1) {
                    throw failure(
                            i,
                            r,
                            "the engine counts " + engine.accounted() + " records accounted for",
                            null);
                }
                tally.computeIfAbsent(r.kind(), k -> new int[2])[
                        verdict instanceof AdmissionOracle.Admit ? 0 : 1]++;
            }
            checkState(engine, reference, refusedDevices);
            return summary(engine.evictions());
        }
    }

    private void check(
            int i,
            FuzzRecord r,
            AdmissionOracle.Verdict verdict,
            String expected,
            FuzzedEngine.Outputs out) {
        if (out.ledger().size() + out.deadLetters().size() != 1) {
            throw failure(
                    i,
                    r,
                    "it made "
                            + out.ledger().size()
                            + " ledger entries and "
                            + out.deadLetters().size()
                            + " dead letters, not exactly one record (it must be "
                            + (verdict instanceof AdmissionOracle.Refuse refuse
                                    ? "dead-lettered: " + refuse.reason()
                                    : "folded")
                            + ")",
                    null);
        }
        if (verdict instanceof AdmissionOracle.Refuse refuse) {
            if (out.deadLetters().isEmpty()) {
                throw failure(
                        i,
                        r,
                        "it was folded ("
                                + ledgerLine(out.ledger().get(0))
                                + ") but must be dead-lettered: "
                                + refuse.reason(),
                        null);
            }
            checkDeadLetter(i, r, refuse, out.deadLetters().get(0));
            return;
        }
        if (out.ledger().isEmpty()) {
            throw failure(
                    i,
                    r,
                    "it was dead-lettered ("
                            + deadLetter(out.deadLetters().get(0)).getReason()
                            + ") but is a valid event and must be folded",
                    null);
        }
        AdmissionOracle.Admit admit = (AdmissionOracle.Admit) verdict;
        TestRecord<byte[], byte[]> entry = out.ledger().get(0);
        if (!Arrays.equals(Wire.deviceKey(admit.event().getDevice()), entry.key())) {
            throw failure(i, r, "its ledger entry is not keyed by its device", null);
        }
        String actual = ledgerLine(entry);
        statuses.merge(actual.replaceAll(".*\"status\":\"([a-z_]+)\".*", "$1"), 1, Integer::sum);
        if (!actual.equals(expected)) {
            throw failure(
                    i,
                    r,
                    "its ledger entry\n  " + actual + "\nis not replay's\n  " + expected,
                    null);
        }
    }

    private void checkDeadLetter(
            int i, FuzzRecord r, AdmissionOracle.Refuse refuse, TestRecord<byte[], byte[]> record) {
        DeadLetter d = deadLetter(record);
        String problem = null;
        if (!d.getReason().startsWith(refuse.reason())) {
            problem =
                    "its dead letter's reason '"
                            + d.getReason()
                            + "' does not start with '"
                            + refuse.reason()
                            + "'";
        } else if (!FuzzedEngine.TOPICS.events().name().equals(d.getTopic())
                || d.getPartition() != 0
                || d.getOffset() != i) {
            problem =
                    "its dead letter names "
                            + d.getTopic()
                            + "/"
                            + d.getPartition()
                            + "@"
                            + d.getOffset();
        } else if (d.getTimestamp() != r.timestampMs() || record.timestamp() != r.timestampMs()) {
            problem =
                    "its dead letter has timestamp "
                            + d.getTimestamp()
                            + ", its record "
                            + record.timestamp();
        } else if (!Arrays.equals(kept(r.key()), bytes(d.getKey()))
                || !Arrays.equals(kept(r.key()), record.key())) {
            problem = "its dead letter does not keep its key";
        } else if (!Arrays.equals(kept(r.value()), bytes(d.getValue()))) {
            problem = "its dead letter does not keep its value";
        } else if (!Objects.equals(cutSize(r.key()), d.getKeySize())
                || !Objects.equals(cutSize(r.value()), d.getValueSize())) {
            problem = "its dead letter gives sizes " + d.getKeySize() + " and " + d.getValueSize();
        }
        if (problem != null) {
            throw failure(i, r, problem, null);
        }
    }

    private void checkState(
            FuzzedEngine engine, ReferenceFold reference, Set<String> refusedDevices) {
        for (String device : reference.devices().keySet()) {
            List<String> actual = ReplayReference.stateLines(device, engine.queries(device));
            List<String> expected = reference.stateLines(device);
            if (!actual.equals(expected)) {
                throw new AssertionError(
                        where()
                                + ": after all records, the engine's state of device '"
                                + device
                                + "'\n  "
                                + actual
                                + "\nis not replay's\n  "
                                + expected
                                + "\n"
                                + reproduce(records));
            }
        }
        refusedDevices.removeAll(reference.devices().keySet());
        for (String device : refusedDevices) {
            List<String> actual = ReplayReference.stateLines(device, engine.queries(device));
            if (!actual.isEmpty()) {
                throw new AssertionError(
                        where()
                                + ": device '"
                                + device
                                + "' was only ever dead-lettered but has state "
                                + actual
                                + "\n"
                                + reproduce(records));
            }
        }
    }

    private String where() {
        return "input fuzz, seed " + seed;
    }

    private AssertionError failure(int i, FuzzRecord r, String what, Throwable cause) {
        return new AssertionError(
                where()
                        + ", record "
                        + i
                        + " ("
                        + r.describe()
                        + "): "
                        + what
                        + "\n"
                        + reproduce(i + 1),
                cause);
    }

    private String reproduce(int n) {
        return "reproduce: mvn -B -o -pl streams-engine -am test -Dtest=EngineInputFuzzTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dvmledger.fuzz.seed="
                + seed
                + " -Dvmledger.fuzz.records="
                + n;
    }

    private String summary(long evictions) {
        StringBuilder b = new StringBuilder(where() + ": " + records + " records;");
        tally.forEach(
                (k, v) ->
                        b.append(' ')
                                .append(k.name().toLowerCase(java.util.Locale.ROOT))
                                .append(' ')
                                .append(v[0])
                                .append('/')
                                .append(v[0] + v[1]));
        b.append(" admitted; ledger ")
                .append(statuses)
                .append("; working-set evictions ")
                .append(evictions);
        return b.toString();
    }

    /** Record kinds seen, and how many of each were admitted. */
    Map<Mutation, int[]> tally() {
        return tally;
    }

    private static String ledgerLine(TestRecord<byte[], byte[]> r) {
        try {
            return LedgerJson.format(Wire.ledger(r.value()));
        } catch (IOException e) {
            throw new AssertionError("unreadable ledger entry", e);
        }
    }

    private static DeadLetter deadLetter(TestRecord<byte[], byte[]> r) {
        try {
            return Wire.deadLetter(r.value());
        } catch (IOException e) {
            throw new AssertionError("unreadable dead letter", e);
        }
    }

    /**
     * What a dead letter must keep of a key or value: all, or its first {@link
     * DeadLetters#KEPT_BYTES}.
     */
    private static byte[] kept(byte[] b) {
        return b == null || b.length <= DeadLetters.KEPT_BYTES
                ? b
                : Arrays.copyOf(b, DeadLetters.KEPT_BYTES);
    }

    private static Long cutSize(byte[] b) {
        return b == null || b.length <= DeadLetters.KEPT_BYTES ? null : (long) b.length;
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
