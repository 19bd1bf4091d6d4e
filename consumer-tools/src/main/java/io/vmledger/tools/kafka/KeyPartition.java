package io.vmledger.tools.kafka;

import org.apache.kafka.common.utils.Utils;

/**
 * The partition Kafka's default partitioner gives a keyed record (murmur2 of the key bytes),
 * so a tool can read only the partition that holds a device's records.
 */
public final class KeyPartition {
    private KeyPartition() {
    }

    /** The partition of {@code key} among {@code partitions}. */
    public static int of(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
