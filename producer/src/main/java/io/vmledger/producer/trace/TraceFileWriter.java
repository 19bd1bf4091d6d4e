package io.vmledger.producer.trace;

import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes events to a trace file: JSON Lines ({@link TraceJson}, what {@code vmledger replay} reads)
 * or, when the file name ends in {@code .avro}, an Avro object container file of {@link VmEvent}
 * records (deflate-compressed blocks, the schema in the header).
 */
public final class TraceFileWriter implements AutoCloseable {
    private final BufferedWriter json;
    private final DataFileWriter<VmEvent> avro;
    private final StringBuilder line = new StringBuilder(256);

    private TraceFileWriter(BufferedWriter json, DataFileWriter<VmEvent> avro) {
        this.json = json;
        this.avro = avro;
    }

    /** True when {@code file} is written as an Avro container file. */
    public static boolean isAvro(Path file) {
        return file.getFileName().toString().endsWith(".avro");
    }

    /** Creates (or truncates) {@code file}. */
    public static TraceFileWriter create(Path file) throws IOException {
        if (isAvro(file)) {
            DataFileWriter<VmEvent> w =
                    new DataFileWriter<>(new SpecificDatumWriter<>(VmEvent.class));
            w.setCodec(CodecFactory.deflateCodec(1));
            return new TraceFileWriter(null, w.create(VmEvent.getClassSchema(), file.toFile()));
        }
        return new TraceFileWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), null);
    }

    /** Appends one event. */
    public void write(VmEvent e) {
        try {
            if (avro != null) {
                avro.append(e);
            } else {
                line.setLength(0);
                TraceJson.write(e, line);
                json.append(line).append('\n');
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close() throws IOException {
        if (avro != null) {
            avro.close();
        } else {
            json.close();
        }
    }
}
