package io.vmledger.engine.topology;

import io.vmledger.schema.DeadLetter;
import java.nio.ByteBuffer;

/** Builds the dead-letter records of input records the engine cannot decode. */
public final class DeadLetters {
    private DeadLetters() {
    }

    /** A dead letter for the raw record at {@code topic/partition/offset}. */
    public static DeadLetter of(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                                String reason) {
        return DeadLetter.newBuilder()
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setTimestamp(timestamp)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(reason)
                .build();
    }
}
