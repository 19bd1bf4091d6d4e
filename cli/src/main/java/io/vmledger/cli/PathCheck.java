package io.vmledger.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Files and directories named on the command line, checked before a command starts any work, and
 * the reason of an I/O error in a few words: every command says "cannot read FILE: no such file"
 * (or "is a directory", "permission denied") the same way and exits 2, instead of a stack trace, a
 * bare "cannot read" or a run that silently did nothing.
 *
 * <p>Each check returns null when the path is usable, else the one line to print. A check is not a
 * guarantee (the file may change before it is opened): an error when the file is used is still
 * reported, with {@link #reason}.
 */
final class PathCheck {
    private PathCheck() {}

    /**
     * The first of {@code names} that cannot be read as a file, as {@link #readProblem(String)}
     * says; null if none.
     */
    static String readProblem(List<String> names) {
        for (String name : names) {
            String problem = readProblem(name);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /**
     * Null when {@code name} is a readable file or {@code "-"} (standard input), else "cannot read
     * NAME: why".
     */
    static String readProblem(String name) {
        if ("-".equals(name)) {
            return null;
        }
        String why;
        try {
            Path p = Path.of(name);
            why =
                    !Files.exists(p)
                            ? "no such file"
                            : Files.isDirectory(p)
                                    ? "is a directory"
                                    : !Files.isReadable(p) ? "permission denied" : null;
        } catch (InvalidPathException e) {
            why = "not a valid path";
        }
        return why == null ? null : "cannot read " + name + ": " + why;
    }

    /** Null when {@code file} can be created or overwritten, else "cannot write FILE: why". */
    static String writeProblem(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        String why =
                Files.isDirectory(file)
                        ? "is a directory"
                        : Files.exists(parent) && !Files.isDirectory(parent)
                                ? parent + " is not a directory"
                                : !Files.exists(parent)
                                        ? "no such directory " + parent
                                        : !Files.isWritable(Files.exists(file) ? file : parent)
                                                ? "permission denied"
                                                : null;
        return why == null ? null : "cannot write " + file + ": " + why;
    }

    /**
     * Null when {@code dir} is a directory or can be created as one (no file is in the way), else
     * "cannot use DIR as a directory: why". Creates nothing.
     */
    static String directoryProblem(Path dir) {
        Path absolute = dir.toAbsolutePath();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || Files.isDirectory(existing)) {
            return null;
        }
        return "cannot use "
                + dir
                + " as a directory: "
                + (existing.equals(absolute) ? "it" : existing)
                + " is a file";
    }

    /**
     * What went wrong, in a few words ("no such file or directory", "permission denied", "is a
     * directory", ...), for an {@link IOException} or an {@link UncheckedIOException} around one.
     */
    static String reason(Exception e) {
        if (e instanceof UncheckedIOException u) {
            return reason(u.getCause());
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return e.getMessage();
    }
}
