package io.vmledger.engine.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A seeded fuzz of the engine's input path: valid fleet events with mutated and random records
 * among them (bit flips, truncations, splices, extreme field values, wrong fingerprints,
 * tombstones, wrong keys, keys and values over 1 MiB; {@link Mutation}) go through the engine's
 * topology under TopologyTestDriver, and every record must end as exactly one ledger entry or one
 * dead letter, as {@link AdmissionOracle} decides from its bytes, with the engine never failing and
 * its ledger and state equal to {@code replay}'s fold of the admitted records ({@link InputFuzz}).
 *
 * <p>By default it runs {@value #DEFAULT_RECORDS} records for each of a fixed list of seeds (a few
 * seconds each). A long run on demand, e.g. a million records of one seed:
 *
 * <pre>
 * mvn -B -o -pl streams-engine -am test -Dtest=EngineInputFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dvmledger.fuzz.records=1000000 -Dvmledger.fuzz.seed=42 \
 *     -Dtest.junitParameters='junit.jupiter.execution.timeout.mode=disabled' -Dtest.forkTimeoutSeconds=0
 * </pre>
 *
 * (about 2 ms a record on a busy 2-core machine: a million take half an hour; the two {@code
 * test.*} settings lift the build's five-minute test timeout and its fork timeout). {@code
 * vmledger.fuzz.seed} alone replaces the seed list; {@code vmledger.fuzz.records} alone lengthens
 * every seed's run. Each run prints a summary line: records of each kind admitted, ledger statuses,
 * working-set evictions. A failure names the seed and the index of the record, with the command
 * that runs it again up to that record.
 */
class EngineInputFuzzTest {
    static final int DEFAULT_RECORDS = 2000;

    /** Below this many records a run is too short to require every mutation kind. */
    private static final int FULL_COVERAGE_RECORDS = 2000;

    @TempDir Path stateDir;

    static LongStream seeds() {
        String seed = System.getProperty("vmledger.fuzz.seed");
        return seed == null || seed.isBlank()
                ? LongStream.of(1, 2, 3)
                : LongStream.of(Long.parseLong(seed.trim()));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyRecordEndsAsExactlyOneLedgerEntryOrDeadLetterAndTheLedgerIsReplays(long seed) {
        int records = Integer.getInteger("vmledger.fuzz.records", DEFAULT_RECORDS);
        InputFuzz fuzz = new InputFuzz(seed, records);
        System.out.println(fuzz.run(stateDir));
        if (records >= FULL_COVERAGE_RECORDS) {
            Map<Mutation, int[]> tally = fuzz.tally();
            for (Mutation m : Mutation.values()) {
                assertTrue(tally.containsKey(m), "seed " + seed + " made no " + m + " record");
            }
            int mutatedAdmitted = 0;
            for (Map.Entry<Mutation, int[]> e : tally.entrySet()) {
                mutatedAdmitted += e.getKey() == Mutation.VALID ? 0 : e.getValue()[0];
            }
            assertTrue(mutatedAdmitted > 0, "seed " + seed + ": no mutated record was admitted");
        }
    }
}
