package io.vmledger.producer.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.schema.BoNew;
import io.vmledger.schema.Vmap;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReaderTest {

    private static List<TraceLine> readAll(Reader in) throws IOException {
        List<TraceLine> lines = new ArrayList<>();
        try (TraceReader reader = new TraceReader(in)) {
            reader.forEachRemaining(lines::add);
        }
        return lines;
    }

    @Test
    void skipsBlanksAndCommentsButCountsTheirLines() throws IOException {
        String trace =
                String.join(
                                "\n",
                                "# a comment",
                                "",
                                "{\"device\":\"d1\",\"seq\":1,\"type\":\"vmap\",\"bo\":7}",
                                "   \t",
                                "   # indented comment",
                                "not json",
                                "{\"device\":\"d1\",\"seq\":2,\"type\":\"frobnicate\"}",
                                "{\"device\":\"d1\",\"seq\":3,\"type\":\"vmap\",\"bo\":\"0x8\"}   ",
                                "")
                        + "\r\n{\"device\":\"d1\",\"seq\":4,\"type\":\"vmap\",\"bo\":\"-1\"}\r\n\n";
        List<TraceLine> lines = readAll(new StringReader(trace));

        assertEquals(List.of(3L, 6L, 7L, 8L, 10L), lines.stream().map(TraceLine::lineNo).toList());
        assertEquals(new Vmap(7L), ((TraceLine.Parsed) lines.get(0)).event().getPayload());
        TraceLine.Bad notJson = assertInstanceOf(TraceLine.Bad.class, lines.get(1));
        assertTrue(notJson.reason().startsWith("not JSON: "), notJson.reason());
        assertEquals(new TraceLine.Bad(6, notJson.reason()), notJson);
        assertEquals(new TraceLine.Bad(7, "unknown type 'frobnicate'", "d1", 2L), lines.get(2));
        assertEquals(new Vmap(8L), ((TraceLine.Parsed) lines.get(3)).event().getPayload());
        assertEquals(
                new TraceLine.Bad(10, "field 'bo': \"-1\" is not a u64", "d1", 4L), lines.get(4));
    }

    @Test
    void emptyInputHasNoLines() throws IOException {
        try (TraceReader reader = new TraceReader(new StringReader("\n# only a comment\n"))) {
            assertFalse(reader.hasNext());
            assertThrows(NoSuchElementException.class, reader::next);
            assertEquals(2, reader.linesRead());
        }
    }

    @Test
    void streamsWithoutReadingTheWholeInput() throws IOException {
        try (TraceReader reader = new TraceReader(new EndlessTrace())) {
            for (long seq = 1; seq <= 3; seq++) {
                assertTrue(reader.hasNext());
                assertTrue(reader.hasNext(), "hasNext is idempotent");
                TraceLine.Parsed line = assertInstanceOf(TraceLine.Parsed.class, reader.next());
                assertEquals(seq, line.lineNo());
                assertEquals(seq, line.event().getSeq());
            }
        }
    }

    @Test
    void opensFilesAsUtf8AndIgnoresAByteOrderMark(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("trace.jsonl");
        Files.writeString(
                file,
                "\uFEFF{\"device\":\"d1\",\"seq\":1,\"type\":\"bo_new\",\"file\":1,\"bo\":2,\"size\":4096,"
                        + "\"name\":\"\u00e9t\u00e9\"}\n",
                StandardCharsets.UTF_8);
        List<TraceLine> lines;
        try (BufferedReader in = TraceReader.open(file.toString())) {
            lines = readAll(in);
        }
        assertEquals(1, lines.size());
        BoNew bo = (BoNew) ((TraceLine.Parsed) lines.get(0)).event().getPayload();
        assertEquals("\u00e9t\u00e9", bo.getName());
    }

    @Test
    void openFailsForAMissingFile(@TempDir Path dir) {
        assertThrows(
                IOException.class, () -> TraceReader.open(dir.resolve("absent.jsonl").toString()));
    }

    /** An infinite trace of vmap events: it can only be read by streaming. */
    private static final class EndlessTrace extends Reader {
        private long seq;
        private String current = "";
        private int pos;

        @Override
        public int read(char[] buf, int off, int len) {
            if (pos == current.length()) {
                seq++;
                current = "{\"device\":\"d1\",\"seq\":" + seq + ",\"type\":\"vmap\",\"bo\":1}\n";
                pos = 0;
            }
            int n = Math.min(len, current.length() - pos);
            current.getChars(pos, pos + n, buf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {}
    }
}
