package io.vmledger.schema.store;

/**
 * The byte form of one state table's values in a Kafka Streams store (and its changelog).
 *
 * <p>The forms are compact and private to the engine: a leading version byte lets a later release
 * read what an earlier one wrote.
 */
public interface ValueCodec<V> {
    /** {@code value} as bytes. */
    byte[] encode(V value);

    /** Decodes {@link #encode}. */
    V decode(byte[] bytes);
}
