package io.vmledger.tools.coredump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reader vmledger's tools use, on the real kernel dumps in {@code ../shared/real-devcoredumps}
 * (provenance in its SOURCES.md): header, fault-info, pgtable-fault-info and the bos list parse
 * with the same strict line formats that vmledger's own output is held to; the sections it does not
 * interpret (ringbuffer, registers, gmu-*, ascii85 data, ...) are kept, not refused.
 */
class RealDevcoredumpsTest {
    private static Devcoredump read(String name) throws Exception {
        return DevcoredumpReader.read(
                Files.readString(Dumps.realDump(name), StandardCharsets.UTF_8));
    }

    @Test
    void crashDevcore() throws Exception {
        Devcoredump d = read("crash.devcore");
        assertEquals("5.8.0-rc1-c630+", d.header().get("kernel"));
        assertEquals("msm", d.header().get("module"));
        assertEquals("1593887022.767858793", d.header().get("time"));
        assertEquals("630 (6.3.0.2)", d.header().get("revision"));
        assertEquals(List.of(new Devcoredump.Bo(0x100000000L, 4096, null, null, true)), d.bos());
        assertNull(d.faultInfo());
        assertNull(d.vmLog());
        assertEquals(
                List.of(
                        "ringbuffer",
                        "bos",
                        "registers",
                        "registers-gmu",
                        "indexed-registers",
                        "shader-blocks",
                        "clusters",
                        "debugbus"),
                List.copyOf(d.sections().keySet()));
    }

    @Test
    void prefetchDumpsHaveBlankPaddedNames() throws Exception {
        Devcoredump a = read("crash_prefetch.devcore");
        assertEquals("1", a.header().get("gpu-initialized"));
        assertEquals(37, a.bos().size());
        assertEquals(16, a.bos().stream().filter(Devcoredump.Bo::data).count());
        assertTrue(a.bos().stream().allMatch(b -> "".equals(b.name()) && b.flags() == null));
        assertEquals(new Devcoredump.Bo(0x100000000L, 532480, null, "", true), a.bos().get(0));
        assertTrue(a.sections().containsKey("gmu-hfi"));

        Devcoredump b = read("prefetch-test.devcore");
        assertEquals("testfw_app:sq0", b.header().get("comm"));
        assertEquals(230, b.bos().size());
        assertEquals(221, b.bos().stream().filter(Devcoredump.Bo::data).count());
        assertEquals(new Devcoredump.Bo(0x10372f000L, 4096, null, "", false), b.bos().get(0));
    }

    @Test
    void faultFragment() throws Exception {
        // the fragment is the fault part of a dump, without the '---' header line
        String fragment =
                Files.readString(
                        Dumps.realDump("x1e80100-fault-fragment.txt"), StandardCharsets.UTF_8);
        Devcoredump d = DevcoredumpReader.read("---\n" + fragment);
        assertEquals(
                Map.of(
                        "ttbr0",
                        "0000000919306000",
                        "iova",
                        "0000000100c17000",
                        "dir",
                        "WRITE",
                        "type",
                        "UNKNOWN",
                        "source",
                        "CP"),
                d.faultInfo());
        assertEquals(
                Map.of(
                        "ttbr0",
                        "000000090ca40000",
                        "asid",
                        "0",
                        "ptes",
                        "000000095db47003 000000095db48003 0000000914c8f003 00000008fd7f0f47"),
                d.pgtableFaultInfo());
    }

    @Test
    void linesOffTheKernelsFormatAreRefusedWithTheirLineNumber() {
        String good =
                "---\nbos:\n  - iova: 0x0000000100000000\n    size: 4096\n    name: "
                        + " ".repeat(32)
                        + "\n";
        String[][] bad = {
            {good.replace("0x0000000100000000", "0x100000000"), "line 3"},
            {good.replace("    size: 4096", "    size: 0x1000"), "line 4"},
            {good.replace(" ".repeat(32), "short"), "line 5"},
            {"---\nfault-info:\n  - iova=100c17000\n", "line 3"},
            {"---\npgtable-fault-info:\n  - ptes: 0 0 0 0\n", "line 3"},
            {"---\nvm-log:\n  - map:1: 0x1000-0x2000\n", "line 3"},
            {"---\ntime: 12.5\n", "line 2"},
            {"kernel: x\n", "line 1"}
        };
        for (String[] c : bad) {
            MalformedDevcoredumpException e =
                    assertThrows(
                            MalformedDevcoredumpException.class,
                            () -> DevcoredumpReader.read(c[0]),
                            c[0]);
            assertTrue(e.getMessage().startsWith(c[1] + ":"), e.getMessage());
        }
    }
}
