package io.vmledger.tools.coredump;

import java.util.List;
import java.util.Map;

/**
 * A devcoredump text as {@link DevcoredumpReader} structures it.
 *
 * @param header top-level {@code key: value} lines, in order ({@code kernel}, {@code module},
 *     {@code time}, {@code comm}, {@code revision}, {@code rbbm-status}, ...)
 * @param sections every section ({@code name:} with its indented lines below), in order, with its
 *     raw lines: also those the reader does not interpret (registers, ...)
 * @param faultInfo {@code fault-info} items by key ({@code ttbr0}, {@code iova}, {@code dir},
 *     {@code type}, {@code source}), or null when the section is absent
 * @param pgtableFaultInfo {@code pgtable-fault-info} items by key ({@code ttbr0}, {@code asid},
 *     {@code ptes}), or null when absent
 * @param vmLog {@code vm-log} lines, or null when absent
 * @param bos the {@code bos:} entries, empty when the section is absent
 */
public record Devcoredump(
        Map<String, String> header,
        Map<String, List<String>> sections,
        Map<String, String> faultInfo,
        Map<String, String> pgtableFaultInfo,
        List<LogLine> vmLog,
        List<Bo> bos) {

    /**
     * One {@code bos:} entry.
     *
     * @param flags null when the kernel printed no {@code flags:} line (older kernels)
     * @param name the name without its padding; null when there is no {@code name:} line
     * @param data whether contents follow ({@code data: !!ascii85 |})
     */
    public record Bo(long iova, long size, Long flags, String name, boolean data) {}

    /** One {@code vm-log} line: {@code op:queue: 0xstart-0xend}. */
    public record LogLine(String op, long queue, long iova, long end) {}
}
