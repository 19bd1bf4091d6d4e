package io.vmledger.tools.coredump;

import java.util.ArrayList;
import java.util.List;

/**
 * A test oracle for what Mesa's {@code crashdec} (src/freedreno/decode/crashdec.c) does with the
 * sections vmledger writes, written from its observable behaviour, independently of vmledger's own
 * rule: it reads a devcoredump's text line by line, as crashdec does.
 *
 * <ul>
 *   <li>{@code revision: %u (%u.%u.%u.%u)}: the GPU id and the chip id, one byte per number.
 *   <li>{@code fault-info:}: the fault address is the hex after {@code " - iova="} (or {@code " -
 *       far: "}); without it nothing is marked.
 *   <li>{@code bos:}: each {@code " - iova: "} (hex, 64-bit) is followed by {@code " size: "} read
 *       as a 32-bit unsigned decimal ({@code %u}: a larger value keeps its low 32 bits, a value
 *       beyond 64 bits reads as all ones). With {@code end = iova + size}: {@code ==} when {@code
 *       iova <= fault < end}, else {@code >=} when {@code iova <= fault < end + size}.
 * </ul>
 */
final class CrashdecOracle {
    /** A bos entry crashdec marks: the start it read, the end it computed, and the marker. */
    record Mark(long iova, long end, String marker) {}

    /** What crashdec reads: the revision (null if none), the fault address, and its marks. */
    record Reading(long[] revision, Long fault, List<Mark> marks) {}

    private CrashdecOracle() {}

    /** Reads a dump as crashdec does. */
    static Reading read(String dump) {
        long[] revision = null;
        Long fault = null;
        List<Mark> marks = new ArrayList<>();
        String section = "";
        Long iova = null;
        for (String line : dump.split("\n", -1)) {
            if (!line.startsWith(" ")) {
                section = line;
                iova = null;
                if (line.startsWith("revision:")) {
                    revision = revision(line);
                }
                continue;
            }
            if (section.startsWith("fault-info:")) {
                if (line.startsWith("  - iova=")) {
                    fault = Long.parseUnsignedLong(line.substring("  - iova=".length()).trim(), 16);
                } else if (line.startsWith("  - far: ")) {
                    fault = Long.parseUnsignedLong(line.substring("  - far: ".length()).trim(), 16);
                }
            } else if (section.startsWith("bos:")) {
                if (line.startsWith("  - iova: ")) {
                    String hex = line.substring("  - iova: ".length()).trim();
                    iova =
                            Long.parseUnsignedLong(
                                    hex.startsWith("0x") ? hex.substring(2) : hex, 16);
                } else if (line.startsWith("    size: ") && iova != null) {
                    long size = u32(line.substring("    size: ".length()).trim());
                    long end = iova + size;
                    if (fault != null) {
                        long f = fault;
                        if (le(iova, f) && lt(f, end)) {
                            marks.add(new Mark(iova, end, "=="));
                        } else if (le(iova, f) && lt(f, end + size)) {
                            marks.add(new Mark(iova, end, ">="));
                        }
                    }
                }
            }
        }
        return new Reading(revision, fault, marks);
    }

    /** {@code %u}: decimal into an unsigned long, stored in 32 bits. */
    static long u32(String decimal) {
        java.math.BigInteger v = new java.math.BigInteger(decimal);
        if (v.bitLength() > 64) {
            return 0xffff_ffffL;
        }
        return v.longValue() & 0xffff_ffffL;
    }

    /** GPU id, then core, major, minor, patch; null if the line does not parse. */
    private static long[] revision(String line) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(
                                "revision: (\\d+) \\((\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)\\)")
                        .matcher(line);
        if (!m.lookingAt()) {
            return null;
        }
        long[] out = new long[5];
        for (int i = 0; i < 5; i++) {
            out[i] = Long.parseLong(m.group(i + 1));
        }
        return out;
    }

    /**
     * The chip id crashdec assembles from a revision: {@code core<<24 | major<<16 | minor<<8 |
     * patch}.
     */
    static long chipId(long[] revision) {
        return (revision[1] << 24) | (revision[2] << 16) | (revision[3] << 8) | revision[4];
    }

    /** The marked entries vmledger's section lists: {@code (iova, end, marker)}, in its order. */
    static List<Mark> vmledgerMarks(String dump) {
        List<Mark> out = new ArrayList<>();
        boolean inVmledger = false;
        boolean inMarked = false;
        for (String line : dump.split("\n", -1)) {
            if (!line.startsWith(" ")) {
                inVmledger = line.equals("vmledger:");
                inMarked = false;
                continue;
            }
            if (!inVmledger) {
                continue;
            }
            if (line.startsWith("  ") && !line.startsWith("   ")) {
                inMarked = line.equals("  marked:");
                continue;
            }
            if (inMarked && line.startsWith("    - iova: 0x")) {
                String[] parts = line.substring("    - iova: ".length()).split("\t");
                String[] range = parts[0].split("-");
                out.add(
                        new Mark(
                                Long.parseUnsignedLong(range[0].substring(2), 16),
                                Long.parseUnsignedLong(range[1].substring(2), 16),
                                parts[1]));
            }
        }
        return out;
    }

    private static boolean le(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0;
    }

    private static boolean lt(long a, long b) {
        return Long.compareUnsigned(a, b) < 0;
    }
}
