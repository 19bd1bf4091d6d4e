package io.vmledger.core;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared spec folder ({@code ../shared/spec} beside the repository). */
public final class SpecFiles {
    private SpecFiles() {}

    /** A file of the shared spec folder; fails loudly when the folder is missing. */
    public static Path spec(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared").resolve("spec").resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException(
                "shared/spec/" + name + " not found above " + Path.of("").toAbsolutePath());
    }
}
