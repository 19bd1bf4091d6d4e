package io.vmledger.engine.fuzz;

/**
 * The kinds of record {@link RecordFuzzer} makes, with their weights (relative frequencies). Only
 * {@link #VALID} is certain to be admitted; any other kind may still decode into an admissible
 * event (a bit flip in an address), which {@link AdmissionOracle} decides for each record.
 */
enum Mutation {
    /** The next event of the valid fleet, keyed by its device. */
    VALID(540),
    /** A valid event's value with one to three bits flipped anywhere, header included. */
    BIT_FLIP(70),
    /** A valid event's value cut short (down to zero bytes, not null). */
    TRUNCATE(40),
    /** The start of one valid value joined to the end of another. */
    SPLICE(40),
    /** A valid value with random bytes after it (refused: a value is one event, nothing more). */
    TRAILING_BYTES(20),
    /** A payload field (address, size, id, name) set to an extreme: 0, u64 max, 2^63, huge. */
    EXTREME_FIELD(60),
    /** Device, seq or ts set to an extreme: empty or over-long device, seq 0 or 2^63-1, ts < 0. */
    EXTREME_ENVELOPE(50),
    /** A valid value whose magic or CRC-64 schema fingerprint is wrong, or another schema's. */
    WRONG_FINGERPRINT(25),
    /** A null value. */
    TOMBSTONE(20),
    /** A valid value under a key other than its device: another device, null, not UTF-8. */
    WRONG_KEY(40),
    /** A key of more than 1 MiB. */
    HUGE_KEY(3),
    /** A value of more than 1 MiB: random, or a decodable event over the limit. */
    HUGE_VALUE(3),
    /** A decodable event exactly at, one byte under or one byte over the 1 MiB limit. */
    SIZE_EDGE(4),
    /** Random bytes. */
    RANDOM_BYTES(30),
    /** The VmEvent header (magic and fingerprint) followed by random bytes. */
    RANDOM_BODY(55);

    private final int weight;

    Mutation(int weight) {
        this.weight = weight;
    }

    private static final Mutation[] ALL = values();
    private static final int TOTAL;

    static {
        int t = 0;
        for (Mutation m : ALL) {
            t += m.weight;
        }
        TOTAL = t;
    }

    /** A kind drawn by weight from {@code draw} in [0, total weight). */
    static Mutation pick(int draw) {
        int d = Math.floorMod(draw, TOTAL);
        for (Mutation m : ALL) {
            d -= m.weight;
            if (d < 0) {
                return m;
            }
        }
        throw new AssertionError("unreachable");
    }

    /** The sum of all weights. */
    static int totalWeight() {
        return TOTAL;
    }
}
