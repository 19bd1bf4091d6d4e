package io.vmledger.tools.coredump;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the msm devcoredump text format (kernel-semantics §3.9) into a {@link Devcoredump}: the
 * header lines, every section's raw lines, and the sections vmledger writes too, parsed strictly
 * ({@code fault-info}, {@code pgtable-fault-info}, {@code vm-log}, {@code bos}): a line there that
 * does not have the kernel's key spelling, indentation and number format is refused with its line
 * number. Sections it does not know (registers, ringbuffer, ascii85 data, gmu-*, vmledger, ...) are
 * kept as raw lines. The same reader checks real kernel dumps and vmledger's own output.
 */
public final class DevcoredumpReader {
    private static final Pattern TOP = Pattern.compile("([a-z0-9][a-z0-9-]*):(?: (.*))?");
    private static final Pattern TIME = Pattern.compile("\\d+\\.\\d{9}");
    private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");
    private static final Pattern FAULT_ITEM = Pattern.compile(" {2}- ([a-z0-9]+)(?:=|: )(.*)");
    private static final Pattern PGTABLE_ITEM = Pattern.compile(" {2}- (ttbr0|asid|ptes): (.*)");
    private static final Pattern PTES = Pattern.compile("[0-9a-f]{16}( [0-9a-f]{16}){3}");
    private static final Pattern LOG_LINE =
            Pattern.compile(" {2}- ([a-z_]+):(\\d+): 0x([0-9a-f]{16})-0x([0-9a-f]{16})");
    private static final Pattern BO_IOVA = Pattern.compile(" {2}- iova: 0x([0-9a-f]{16})");
    private static final Pattern BO_SIZE = Pattern.compile(" {4}size: (\\d+)");
    private static final Pattern BO_FLAGS = Pattern.compile(" {4}flags: 0x([0-9a-f]+)");
    private static final Pattern BO_NAME = Pattern.compile(" {4}name: (.{32,})");
    private static final String BO_DATA = "    data: !!ascii85 |";
    private static final Pattern ASCII85 = Pattern.compile(" {5}\\S+");

    private DevcoredumpReader() {}

    /** Reads a devcoredump text. */
    public static Devcoredump read(String text) throws MalformedDevcoredumpException {
        try {
            return read(new BufferedReader(new StringReader(text)));
        } catch (MalformedDevcoredumpException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a string", e);
        }
    }

    /** Reads a devcoredump text from {@code in}. */
    public static Devcoredump read(BufferedReader in) throws IOException {
        Map<String, String> header = new LinkedHashMap<>();
        Map<String, List<String>> sections = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        String first = in.readLine();
        if (!"---".equals(first)) {
            throw new MalformedDevcoredumpException(
                    1, "a devcoredump starts with '---'", String.valueOf(first));
        }
        List<String> current = null;
        int n = 1;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            n++;
            if (line.startsWith(" ")) {
                if (current == null) {
                    throw new MalformedDevcoredumpException(
                            n, "indented line outside a section", line);
                }
                current.add(line);
                continue;
            }
            Matcher m = TOP.matcher(line);
            if (!m.matches()) {
                throw new MalformedDevcoredumpException(
                        n, "not a 'key: value' or 'section:' line", line);
            }
            if (m.group(2) != null) {
                if (m.group(1).equals("time") && !TIME.matcher(m.group(2)).matches()) {
                    throw new MalformedDevcoredumpException(
                            n, "time must be seconds.nanoseconds (9 digits)", line);
                }
                header.put(m.group(1), m.group(2));
                current = null;
            } else {
                current = new ArrayList<>();
                sections.put(m.group(1), current);
                firstLine.put(m.group(1), n + 1);
            }
        }
        return new Devcoredump(
                header,
                sections,
                sections.containsKey("fault-info")
                        ? faultInfo(sections.get("fault-info"), firstLine.get("fault-info"))
                        : null,
                sections.containsKey("pgtable-fault-info")
                        ? pgtableFaultInfo(
                                sections.get("pgtable-fault-info"),
                                firstLine.get("pgtable-fault-info"))
                        : null,
                sections.containsKey("vm-log")
                        ? vmLog(sections.get("vm-log"), firstLine.get("vm-log"))
                        : null,
                sections.containsKey("bos")
                        ? bos(sections.get("bos"), firstLine.get("bos"))
                        : List.of());
    }

    private static Map<String, String> faultInfo(List<String> lines, int at)
            throws MalformedDevcoredumpException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m =
                    match(FAULT_ITEM, lines.get(i), at + i, "fault-info items are '  - key=value'");
            String key = m.group(1);
            String value = m.group(2);
            boolean ok =
                    switch (key) {
                        case "ttbr0", "iova" -> HEX16.matcher(value).matches();
                        case "dir" -> value.equals("READ") || value.equals("WRITE");
                        default -> true;
                    };
            if (!ok) {
                throw new MalformedDevcoredumpException(
                        at + i, "bad fault-info " + key, lines.get(i));
            }
            out.put(key, value);
        }
        return out;
    }

    private static Map<String, String> pgtableFaultInfo(List<String> lines, int at)
            throws MalformedDevcoredumpException {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m =
                    match(
                            PGTABLE_ITEM,
                            lines.get(i),
                            at + i,
                            "pgtable-fault-info items are ttbr0, asid, ptes");
            String value = m.group(2);
            boolean ok =
                    switch (m.group(1)) {
                        case "ttbr0" -> HEX16.matcher(value).matches();
                        case "asid" -> value.matches("\\d+");
                        default -> PTES.matcher(value).matches();
                    };
            if (!ok) {
                throw new MalformedDevcoredumpException(
                        at + i, "bad pgtable-fault-info " + m.group(1), lines.get(i));
            }
            out.put(m.group(1), value);
        }
        return out;
    }

    private static List<Devcoredump.LogLine> vmLog(List<String> lines, int at)
            throws MalformedDevcoredumpException {
        List<Devcoredump.LogLine> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Matcher m =
                    match(
                            LOG_LINE,
                            lines.get(i),
                            at + i,
                            "vm-log lines are '  - op:queue: 0x<16>-0x<16>'");
            out.add(
                    new Devcoredump.LogLine(
                            m.group(1),
                            Long.parseUnsignedLong(m.group(2)),
                            Long.parseUnsignedLong(m.group(3), 16),
                            Long.parseUnsignedLong(m.group(4), 16)));
        }
        return out;
    }

    private static List<Devcoredump.Bo> bos(List<String> lines, int at)
            throws MalformedDevcoredumpException {
        List<Devcoredump.Bo> out = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            Matcher iova =
                    match(
                            BO_IOVA,
                            lines.get(i),
                            at + i,
                            "a bos entry starts with '  - iova: 0x<16 hex>'");
            i++;
            Matcher size =
                    match(
                            BO_SIZE,
                            i < lines.size() ? lines.get(i) : "",
                            at + i,
                            "'    size: <decimal>' follows iova");
            i++;
            Long flags = null;
            String name = null;
            boolean data = false;
            while (i < lines.size() && !lines.get(i).startsWith("  - ")) {
                String line = lines.get(i);
                if (line.startsWith("    flags:") && flags == null && name == null) {
                    flags =
                            Long.parseUnsignedLong(
                                    match(BO_FLAGS, line, at + i, "flags are 0x<hex>").group(1),
                                    16);
                } else if (line.startsWith("    name:") && name == null) {
                    name =
                            match(BO_NAME, line, at + i, "a name is padded to 32 characters")
                                    .group(1)
                                    .stripTrailing();
                } else if (line.equals(BO_DATA) && !data && i + 1 < lines.size()) {
                    match(
                            ASCII85,
                            lines.get(i + 1),
                            at + i + 1,
                            "ascii85 data is one line indented by 5");
                    data = true;
                    i++;
                } else {
                    throw new MalformedDevcoredumpException(
                            at + i, "unexpected line in a bos entry", line);
                }
                i++;
            }
            out.add(
                    new Devcoredump.Bo(
                            Long.parseUnsignedLong(iova.group(1), 16),
                            Long.parseUnsignedLong(size.group(1)),
                            flags,
                            name,
                            data));
        }
        return out;
    }

    private static Matcher match(Pattern p, String line, int n, String expected)
            throws MalformedDevcoredumpException {
        Matcher m = p.matcher(line);
        if (!m.matches()) {
            throw new MalformedDevcoredumpException(n, expected, line);
        }
        return m;
    }
}
