package io.vmledger.schema.topic;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One of vmledger's topics with the types of its records: its name and the serdes of its keys and
 * values, so that what is written to a topic and what is read from it cannot disagree. The
 * catalogue ({@link Topics}) holds one for each topic; its serdes write the wire forms of {@link
 * io.vmledger.schema.wire.Wire} byte for byte, and their deserializers throw Kafka's {@link
 * org.apache.kafka.common.errors.SerializationException} for bytes that are not a record of the
 * topic. A null key or value (a tombstone) is serialized and deserialized as null, as Kafka's
 * serdes do.
 *
 * @param <K> the type of the records' keys
 * @param <V> the type of the records' values
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    public Topic {
        Objects.requireNonNull(name, "topic name cannot be null");
        Objects.requireNonNull(keySerde, "key serde cannot be null");
        Objects.requireNonNull(valueSerde, "value serde cannot be null");
    }

    /** The bytes of {@code key} on this topic. */
    public byte[] serializeKey(K key) {
        return keySerde.serializer().serialize(name, key);
    }

    /** The key these bytes of this topic are. */
    public K deserializeKey(byte[] key) {
        return keySerde.deserializer().deserialize(name, key);
    }

    /** The bytes of {@code value} on this topic. */
    public byte[] serializeValue(V value) {
        return valueSerde.serializer().serialize(name, value);
    }

    /** The value these bytes of this topic are. */
    public V deserializeValue(byte[] value) {
        return valueSerde.deserializer().deserialize(name, value);
    }

    /** The topic's name. */
    @Override
    public String toString() {
        return name;
    }
}
