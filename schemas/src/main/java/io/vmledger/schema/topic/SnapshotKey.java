package io.vmledger.schema.topic;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The key of a record of the compacted snapshots topic: part {@code part} of {@code device}'s
 * snapshot after event {@code seq}, and where a device's records live.
 *
 * <p>A snapshot part's key is {@code <device>@<seq, 20 decimal digits>/<part>} in UTF-8, not the
 * bare device id the other topics use: compaction keeps the latest record per key, so a key of the
 * device alone would keep only the device's newest snapshot, while an as-of audit at time T needs
 * the newest snapshot taken <em>before</em> T. With the seq in the key every snapshot stays (a
 * device emits one every N events, so the topic grows by one state per N events), and compaction
 * removes only what a re-processing after a failure emitted again under the same key. Device ids
 * ({@code [A-Za-z0-9._:-]}) contain no {@code @}, so the device is the text before the last
 * {@code @}.
 *
 * <p>Records are still placed by the device alone (the engine's snapshot sink partitions by {@link
 * #device}), with Kafka's default partitioner hash of the device id's bytes: a device's snapshots
 * are in the partition number that holds its events and ledger entries ({@link
 * Topics#partitionOf}).
 *
 * @param device the device whose state the snapshot holds
 * @param seq the seq of the event after which it was taken (unsigned)
 * @param part which part of the snapshot this record holds, from 0
 */
public record SnapshotKey(String device, long seq, int part) {
    private static final int SEQ_DIGITS = 20;

    public SnapshotKey {
        Objects.requireNonNull(device, "device cannot be null");
    }

    /** The key's bytes on the snapshots topic. */
    public byte[] bytes() {
        String s = Long.toUnsignedString(seq);
        return (device + "@" + "0".repeat(SEQ_DIGITS - s.length()) + s + "/" + part)
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The key whose bytes these are.
     *
     * @throws IllegalArgumentException for bytes that are not a snapshot key
     */
    public static SnapshotKey parse(byte[] key) {
        Objects.requireNonNull(key, "snapshot key cannot be null");
        String k = new String(key, StandardCharsets.UTF_8);
        int at = k.lastIndexOf('@');
        int slash = k.indexOf('/', at + 1);
        if (at < 0 || slash < 0) {
            throw new IllegalArgumentException("not a snapshot key: '" + k + "'");
        }
        try {
            return new SnapshotKey(
                    k.substring(0, at),
                    Long.parseUnsignedLong(k.substring(at + 1, slash)),
                    Integer.parseInt(k.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a snapshot key: '" + k + "'", e);
        }
    }
}
