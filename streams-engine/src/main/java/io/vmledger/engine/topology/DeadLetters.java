package io.vmledger.engine.topology;

import io.vmledger.schema.DeadLetter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Builds the dead-letter records of input records the engine cannot fold. A dead letter keeps the
 * record's key and value byte for byte, unless one is larger than {@link #KEPT_BYTES}: then it
 * keeps that many first bytes, the whole size and the SHA-256 of the whole, and its reason says so.
 * So a dead letter always fits the dead-letter topic (Kafka's default 1 MiB record limit), whatever
 * the input was: an input record of any size can never fail the task that refuses it.
 */
public final class DeadLetters {
    /** The most bytes of a key, and of a value, a dead letter keeps. */
    public static final int KEPT_BYTES = 256 << 10;

    private DeadLetters() {}

    /** A dead letter for the raw record at {@code topic/partition/offset}. */
    public static DeadLetter of(
            String topic,
            int partition,
            long offset,
            long timestamp,
            byte[] key,
            byte[] value,
            String reason) {
        DeadLetter.Builder b =
                DeadLetter.newBuilder()
                        .setTopic(topic)
                        .setPartition(partition)
                        .setOffset(offset)
                        .setTimestamp(timestamp)
                        .setKey(wrapped(kept(key)))
                        .setValue(wrapped(kept(value)));
        StringBuilder why = new StringBuilder(reason);
        if (key != null && key.length > KEPT_BYTES) {
            b.setKeySize((long) key.length).setKeySha256(sha256(key));
            why.append(cut("key", key.length));
        }
        if (value != null && value.length > KEPT_BYTES) {
            b.setValueSize((long) value.length).setValueSha256(sha256(value));
            why.append(cut("value", value.length));
        }
        return b.setReason(why.toString()).build();
    }

    /**
     * What a dead letter keeps of an input's key or value: all of it, or its first {@link
     * #KEPT_BYTES} (also the dead letter's own record key).
     */
    static byte[] kept(byte[] bytes) {
        return bytes == null || bytes.length <= KEPT_BYTES
                ? bytes
                : Arrays.copyOf(bytes, KEPT_BYTES);
    }

    private static ByteBuffer wrapped(byte[] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    private static String cut(String what, int size) {
        return "; "
                + what
                + " of "
                + size
                + " bytes kept as its first "
                + KEPT_BYTES
                + " bytes with its size and SHA-256";
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
