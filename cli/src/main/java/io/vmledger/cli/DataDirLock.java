package io.vmledger.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process per data directory: an exclusive lock on {@code DIR/.lock}, taken before a command
 * touches anything else in DIR (an embedded broker's log, Streams state, a demo's files) and held
 * until it ends. The file holds the holder's pid, so a second command is told who has the
 * directory. The operating system drops the lock when the holder dies, so a left-over file never
 * blocks anyone; the file itself is kept (deleting it would let two processes lock two different
 * files).
 */
final class DataDirLock implements AutoCloseable {
    /** The lock file's name inside the directory. */
    static final String FILE_NAME = ".lock";

    private final Path file;
    private final FileChannel channel;

    private DataDirLock(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates {@code dir} if missing and locks it.
     *
     * @throws IOException whose message is the one line to print: the directory is held by another
     *     process, or it cannot be created or locked, and why
     */
    static DataDirLock acquire(Path dir) throws IOException {
        String problem = PathCheck.directoryProblem(dir);
        if (problem != null) {
            throw new IOException(problem);
        }
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel;
        FileLock lock;
        try {
            Files.createDirectories(dir);
            channel =
                    FileChannel.open(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new IOException("cannot lock " + file + ": " + PathCheck.reason(e), e);
        }
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldByThisProcess) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException(
                    dir
                            + " is in use by another vmledger"
                            + holder(file)
                            + "; stop it or choose another directory");
        }
        channel.truncate(0);
        channel.write(
                ByteBuffer.wrap(
                        Long.toString(ProcessHandle.current().pid())
                                .getBytes(StandardCharsets.US_ASCII)));
        channel.force(false);
        return new DataDirLock(file, channel);
    }

    /** The lock file. */
    Path file() {
        return file;
    }

    /** Releases the lock (the file stays). */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // the lock goes with the channel or, at the latest, with the process
        }
    }

    /** " (pid N)" as the holder wrote it into the lock file, or nothing when it cannot be read. */
    private static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
            return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }
}
