package io.vmledger.producer.trace;

import io.vmledger.schema.json.TraceFormatException;
import io.vmledger.schema.json.TraceJson;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams a JSON Lines trace (trace-and-replay.md section 1) one line at a time, never holding more
 * than one line in memory. Blank lines and lines whose first non-blank character is {@code #} are
 * skipped; every other line becomes a {@link TraceLine.Parsed} or, when {@link TraceJson#parse}
 * rejects it, a {@link TraceLine.Bad} with the reason. Line numbers are 1-based physical lines; a
 * UTF-8 byte order mark at the start is ignored.
 *
 * <p>Read errors surface as {@link UncheckedIOException} from {@link #hasNext()}/{@link #next()}.
 * Not thread-safe.
 */
public final class TraceReader implements Iterator<TraceLine>, Closeable {

    /** Buffer size of the readers made by {@link #open} and {@link #TraceReader(Reader)}. */
    public static final int BUFFER_SIZE = 1 << 20;

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final BufferedReader in;
    private long lineNo;
    private TraceLine pending;
    private boolean eof;

    /**
     * Reads from {@code in}, adding a large buffer unless it already is a {@link BufferedReader}.
     */
    public TraceReader(Reader in) {
        this.in =
                in instanceof BufferedReader buffered
                        ? buffered
                        : new BufferedReader(in, BUFFER_SIZE);
    }

    /**
     * Opens a trace file, or standard input for {@code "-"}, as UTF-8 with a {@value #BUFFER_SIZE}
     * character buffer. Malformed UTF-8 is replaced by U+FFFD.
     *
     * @throws IOException if the file cannot be opened
     */
    public static BufferedReader open(String pathOrDash) throws IOException {
        InputStream stream =
                "-".equals(pathOrDash) ? System.in : Files.newInputStream(Path.of(pathOrDash));
        return new BufferedReader(
                new InputStreamReader(stream, StandardCharsets.UTF_8), BUFFER_SIZE);
    }

    @Override
    public boolean hasNext() {
        if (pending == null && !eof) {
            pending = readNext();
        }
        return pending != null;
    }

    @Override
    public TraceLine next() {
        if (!hasNext()) {
            throw new NoSuchElementException("end of trace after line " + lineNo);
        }
        TraceLine line = pending;
        pending = null;
        return line;
    }

    /** Physical lines read so far (including skipped ones). */
    public long linesRead() {
        return lineNo;
    }

    /** Closes the underlying reader (for {@code "-"}, standard input). */
    @Override
    public void close() throws IOException {
        in.close();
    }

    private TraceLine readNext() {
        String text;
        while ((text = readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
                text = text.substring(1);
            }
            if (!isSkipped(text)) {
                try {
                    return new TraceLine.Parsed(lineNo, TraceJson.parse(text));
                } catch (TraceFormatException e) {
                    return new TraceLine.Bad(lineNo, e.getMessage(), e.device(), e.seq());
                }
            }
        }
        eof = true;
        return null;
    }

    private String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("reading trace after line " + lineNo, e);
        }
    }

    /** Blank, or a comment: the first non-whitespace character is '#'. */
    private static boolean isSkipped(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '#';
            }
        }
        return true;
    }
}
