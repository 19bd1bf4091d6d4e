package io.vmledger.tools.coredump;

import io.vmledger.schema.Coredump;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A directory of devcoredump text files, one per snapshot, named {@link DevcoredumpWriter#fileName}
 * (the same name for the same dump, so writing it again replaces it) and written atomically, so a
 * reader never sees half a file.
 */
public final class CoredumpDirectory {
    private final Path dir;

    /** The directory {@code dir}, created if missing. */
    public CoredumpDirectory(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** Writes one dump; returns its path. */
    public Path write(Coredump c) throws IOException {
        Path file = dir.resolve(DevcoredumpWriter.fileName(c));
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, DevcoredumpWriter.write(c), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }
}
