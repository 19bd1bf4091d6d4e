package io.vmledger.schema.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonOutTest {

    private static String string(String s) {
        StringBuilder out = new StringBuilder();
        JsonOut.string(out, s);
        return out.toString();
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertEquals(
                "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\u007f\"",
                string("a\"b\\c\n\r\t\b\f\u0000\u001f\u007f"));
    }

    @Test
    void keepsUnicodeAndEscapesOnlyUnpairedSurrogates() {
        assertEquals("\"\u00e9\u4e2d\ud83d\ude00\"", string("\u00e9\u4e2d\ud83d\ude00"));
        assertEquals("\"x\\ud83dy\\ude00\\ud83d\"", string("x\ud83dy\ude00\ud83d"));
    }

    @Test
    void everyCharacterSurvivesAJsonParser() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            all.append(c);
        }
        all.append("\ud83d\ude00\ud800");
        assertEquals(
                all.toString(), new ObjectMapper().readValue(string(all.toString()), String.class));
    }

    @Test
    void printsU64Unsigned() {
        StringBuilder out = new StringBuilder();
        JsonOut.u64(out, 0);
        out.append(' ');
        JsonOut.u64(out, Long.MAX_VALUE);
        out.append(' ');
        JsonOut.u64(out, Long.MIN_VALUE);
        out.append(' ');
        JsonOut.u64(out, -1);
        assertEquals(
                "0 9223372036854775807 9223372036854775808 18446744073709551615", out.toString());
    }
}
