package io.vmledger.schema.topic;

import io.vmledger.schema.Alert;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.Snapshot;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.wire.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The serdes of the catalogue's topics: thin wrappers over {@link Wire} (and {@link SnapshotKey}
 * for the snapshots' keys), so a serde writes exactly the bytes {@code Wire} does. A deserializer
 * throws {@link SerializationException}, with the decoder's reason as its message, for bytes that
 * do not decode. Stateless, so one instance of each serves every catalogue.
 */
final class WireSerdes {
    static final Serde<String> DEVICE =
            of(Wire::deviceKey, key -> new String(key, StandardCharsets.UTF_8));
    static final Serde<VmEvent> EVENT = of(Wire::event, Wire::event);
    static final Serde<LedgerEntry> LEDGER = of(Wire::ledger, Wire::ledger);
    static final Serde<DeadLetter> DEAD_LETTER = of(Wire::deadLetter, Wire::deadLetter);
    static final Serde<Coredump> COREDUMP = of(Wire::coredump, Wire::coredump);
    static final Serde<Alert> ALERT = of(Wire::alert, Wire::alert);
    static final Serde<SnapshotKey> SNAPSHOT_KEY = of(SnapshotKey::bytes, SnapshotKey::parse);
    static final Serde<Snapshot> SNAPSHOT = of(Wire::snapshot, Wire::snapshot);

    private WireSerdes() {}

    /** Reads a wire form; throws for bytes that are not one. */
    @FunctionalInterface
    private interface Decoder<T> {
        T decode(byte[] bytes) throws IOException;
    }

    private static <T> Serde<T> of(Function<T, byte[]> encoder, Decoder<T> decoder) {
        return Serdes.serdeFrom(
                (topic, value) -> value == null ? null : encoder.apply(value),
                (topic, bytes) -> bytes == null ? null : decode(decoder, bytes));
    }

    private static <T> T decode(Decoder<T> decoder, byte[] bytes) {
        try {
            return decoder.decode(bytes);
        } catch (IOException | IllegalArgumentException e) {
            throw new SerializationException(e.getMessage(), e);
        }
    }
}
