package io.vmledger.producer.feed;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resume point of a replay: per device, the highest seq the broker has acknowledged. Saved as a
 * small JSON object ({@code {"device": seq, ...}}) replaced atomically, so an interrupted {@code
 * produce} run re-run with the same checkpoint sends only what was not acknowledged. Events at or
 * below a device's checkpoint are skipped. (Should an event be sent twice anyway, e.g. acknowledged
 * after the last save, the engine reports it as a duplicate by its seq.)
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Long> resumeFrom;
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();

    private Checkpoint(Path file, Map<String, Long> resumeFrom) {
        this.file = file;
        this.resumeFrom = resumeFrom;
        this.acknowledged.putAll(resumeFrom);
    }

    /** The checkpoint kept in {@code file}: what it holds if it exists, else empty. */
    public static Checkpoint at(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new Checkpoint(file, Map.of());
        }
        try {
            Map<String, Long> saved =
                    JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, Long>>() {});
            return new Checkpoint(file, Map.copyOf(saved));
        } catch (IOException e) {
            throw new IOException(
                    "checkpoint "
                            + file
                            + " is not a JSON object of device to seq: "
                            + e.getMessage(),
                    e);
        }
    }

    /** Whether the broker acknowledged {@code seq} of {@code device} in an earlier run. */
    public boolean alreadySent(String device, long seq) {
        Long last = resumeFrom.get(device);
        return last != null && Long.compareUnsigned(seq, last) <= 0;
    }

    /** Notes that the broker acknowledged {@code seq} of {@code device}. */
    public void acknowledged(String device, long seq) {
        acknowledged.merge(device, seq, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }

    /** Writes the acknowledged seqs (atomically replacing the file). */
    public synchronized void save() throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), new TreeMap<>(acknowledged));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Where the checkpoint lives. */
    public Path file() {
        return file;
    }
}
