package io.vmledger.schema.wire;

import io.vmledger.schema.Alert;
import io.vmledger.schema.Coredump;
import io.vmledger.schema.DeadLetter;
import io.vmledger.schema.LedgerEntry;
import io.vmledger.schema.Snapshot;
import io.vmledger.schema.VmEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;

/**
 * The wire forms of vmledger's Kafka topics: keys are device ids in UTF-8; values are Avro
 * single-object encoded ({@code C3 01}, the writer schema's CRC-64-AVRO fingerprint in 8
 * little-endian bytes, then the binary record), so any Avro library can decode them with the schema
 * files and no registry. The catalogue's typed topics ({@link io.vmledger.schema.topic.Topics})
 * offer these forms as Kafka serdes.
 */
public final class Wire {
    /**
     * The VmEvent schemas of earlier vmledger versions, oldest first: events they wrote still
     * decode (Avro resolves them to today's schema: new union branches and defaulted fields).
     */
    static final List<String> PREVIOUS_EVENT_SCHEMAS = List.of("VmEvent-1.avsc");

    /** Decodes events written with today's schema or any previous one. */
    private static final BinaryMessageDecoder<VmEvent> EVENT_DECODER = eventDecoder();

    private Wire() {}

    private static BinaryMessageDecoder<VmEvent> eventDecoder() {
        BinaryMessageDecoder<VmEvent> d = VmEvent.createDecoder(null);
        for (String name : PREVIOUS_EVENT_SCHEMAS) {
            d.addSchema(previousEventSchema(name));
        }
        return d;
    }

    /** A previous VmEvent schema, kept as a resource under {@code io/vmledger/schema/previous/}. */
    static Schema previousEventSchema(String name) {
        try (InputStream in =
                Wire.class.getResourceAsStream("/io/vmledger/schema/previous/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + name);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The writer-schema fingerprint of a single-object value, in hex, or "none". */
    private static String fingerprint(byte[] value) {
        if (value.length < 10) {
            return "none";
        }
        long fp = 0;
        for (int i = 9; i >= 2; i--) {
            fp = (fp << 8) | (value[i] & 0xff);
        }
        return String.format(java.util.Locale.ROOT, "%016x", fp);
    }

    /** The key of a device's records. */
    public static byte[] deviceKey(String device) {
        return device.getBytes(StandardCharsets.UTF_8);
    }

    /** The value of an input event. */
    public static byte[] event(VmEvent e) {
        return encode(VmEvent.getEncoder(), e);
    }

    /**
     * Decodes an input event value, which must be exactly one event: bytes after the record mean
     * the value is not the event it starts with (two joined, or one with garbage), and a JSON trace
     * line with anything after its object is refused likewise.
     *
     * @throws IOException for a value that is not a readable single-object VmEvent (bad header,
     *     unknown schema fingerprint, truncated or malformed binary, bytes after the record)
     */
    public static VmEvent event(byte[] value) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(value);
        VmEvent e;
        try {
            e = decode(EVENT_DECODER, in);
        } catch (IOException failed) {
            if (!(failed.getCause() instanceof MissingSchemaException)) {
                throw failed;
            }
            // no cause: the message says all, and a reader unwrapping causes shows this one
            throw new IOException(
                    "unknown VmEvent writer schema (fingerprint "
                            + fingerprint(value)
                            + "): neither this version's schema nor a previous one (an event type"
                            + " or field from a newer vmledger?)");
        }
        // the single-object decoder reads the record unbuffered: what is left was not part of it
        if (in.available() > 0) {
            throw new IOException(
                    "the value has "
                            + in.available()
                            + " bytes after its event of "
                            + (value.length - in.available())
                            + " bytes");
        }
        return e;
    }

    /** The value of a ledger entry. */
    public static byte[] ledger(LedgerEntry e) {
        return encode(LedgerEntry.getEncoder(), e);
    }

    /**
     * Decodes a ledger value.
     *
     * @throws IOException for a value that is not a readable single-object LedgerEntry
     */
    public static LedgerEntry ledger(byte[] value) throws IOException {
        return decode(LedgerEntry.getDecoder(), value);
    }

    /** The value of a dead letter. */
    public static byte[] deadLetter(DeadLetter d) {
        return encode(DeadLetter.getEncoder(), d);
    }

    /**
     * Decodes a dead-letter value.
     *
     * @throws IOException for a value that is not a readable single-object DeadLetter
     */
    public static DeadLetter deadLetter(byte[] value) throws IOException {
        return decode(DeadLetter.getDecoder(), value);
    }

    /** The value of a coredump. */
    public static byte[] coredump(Coredump c) {
        return encode(Coredump.getEncoder(), c);
    }

    /**
     * Decodes a coredump value.
     *
     * @throws IOException for a value that is not a readable single-object Coredump
     */
    public static Coredump coredump(byte[] value) throws IOException {
        return decode(Coredump.getDecoder(), value);
    }

    /** The value of a state snapshot part. */
    public static byte[] snapshot(Snapshot s) {
        return encode(Snapshot.getEncoder(), s);
    }

    /**
     * Decodes a snapshot value.
     *
     * @throws IOException for a value that is not a readable single-object Snapshot
     */
    public static Snapshot snapshot(byte[] value) throws IOException {
        return decode(Snapshot.getDecoder(), value);
    }

    /** The value of an alert. */
    public static byte[] alert(Alert a) {
        return encode(Alert.getEncoder(), a);
    }

    /**
     * Decodes an alert value.
     *
     * @throws IOException for a value that is not a readable single-object Alert
     */
    public static Alert alert(byte[] value) throws IOException {
        return decode(Alert.getDecoder(), value);
    }

    private static <T> byte[] encode(BinaryMessageEncoder<T> encoder, T record) {
        try {
            ByteBuffer b = encoder.encode(record);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T decode(BinaryMessageDecoder<T> decoder, byte[] value) throws IOException {
        return decode(decoder, new ByteArrayInputStream(value));
    }

    private static <T> T decode(BinaryMessageDecoder<T> decoder, InputStream value)
            throws IOException {
        try {
            return decoder.decode(value, null);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }
    }
}
