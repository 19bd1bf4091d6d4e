package io.vmledger.core.query;

import io.vmledger.core.gpuvm.Va;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A VM's address space drawn at a resolution: the VAs of a window {@code [from, to]} merged so that
 * a picture {@code px} pixels wide needs at most about {@code 2 * px + 1} items, whatever the
 * number of VAs (the web UI's VM map asks for the visible window at its width, never for every VA).
 *
 * <p>The window is cut into {@code px} buckets of {@code ceil((to - from + 1) / px)} bytes. Each VA
 * is clipped to the window. A VA at least one bucket wide is an item of its own; smaller VAs that
 * start in the same bucket and follow each other are merged into one item, which keeps their count,
 * their mapped and NULL bytes, their BO when they share one, and whether any is DUMP. Items are in
 * address order and do not overlap.
 */
public final class VaBuckets {
    /**
     * One drawn item: {@code [addr, addr + range)} within the window.
     *
     * @param vas VAs merged into it (1: the VA itself, clipped to the window)
     * @param boBytes bytes mapped to a BO (the PTEs the item populates)
     * @param nullBytes bytes of NULL mappings (PRR)
     * @param bo the BO of all its VAs, or null if they are NULL mappings or have different BOs
     * @param mixed whether its VAs have different BOs
     * @param offset the BO offset at {@code addr} for a single VA, else 0
     * @param dump whether any of its VAs is DUMP
     */
    public record Item(
            long addr,
            long range,
            int vas,
            long boBytes,
            long nullBytes,
            Long bo,
            boolean mixed,
            long offset,
            boolean dump) {}

    private VaBuckets() {}

    /**
     * The items drawing {@code vas} (ascending, non-overlapping, each overlapping {@code [from,
     * to]}) in {@code px} buckets over {@code [from, to]} (inclusive, unsigned, {@code from <=
     * to}).
     */
    public static List<Item> of(List<Va> vas, long from, long to, int px) {
        Objects.requireNonNull(vas, "vas cannot be null");
        if (px < 1) {
            throw new IllegalArgumentException("px must be at least 1, got " + px);
        }
        if (Long.compareUnsigned(from, to) > 0) {
            throw new IllegalArgumentException("from must not be above to");
        }
        long span = to - from; // bytes - 1, never overflows
        long width = Long.divideUnsigned(span, px) + 1; // ceil((span + 1) / px), at least 1
        List<Item> out = new ArrayList<>();
        Item open = null;
        long openBucket = -1;
        for (Va v : vas) {
            long a = Long.compareUnsigned(v.addr(), from) < 0 ? from : v.addr();
            long last = v.addr() + v.range() - 1;
            long b = Long.compareUnsigned(last, to) > 0 ? to : last;
            if (Long.compareUnsigned(a, b) > 0) {
                continue; // outside the window
            }
            long len = b - a + 1;
            long clippedOffset = v.offset() + (a - v.addr());
            Item one =
                    new Item(
                            a,
                            len,
                            1,
                            v.isNull() ? 0 : len,
                            v.isNull() ? len : 0,
                            v.bo(),
                            false,
                            clippedOffset,
                            v.dump());
            long bucket = Long.divideUnsigned(a - from, width);
            if (Long.compareUnsigned(len, width) >= 0) {
                if (open != null) {
                    out.add(open);
                    open = null;
                }
                out.add(one);
                continue;
            }
            if (open != null && bucket == openBucket) {
                open = merge(open, one);
            } else {
                if (open != null) {
                    out.add(open);
                }
                open = one;
                openBucket = bucket;
            }
        }
        if (open != null) {
            out.add(open);
        }
        return out;
    }

    private static Item merge(Item x, Item y) {
        boolean mixed = x.mixed() || !Objects.equals(x.bo(), y.bo());
        return new Item(
                x.addr(),
                y.addr() + y.range() - x.addr(),
                x.vas() + y.vas(),
                x.boBytes() + y.boBytes(),
                x.nullBytes() + y.nullBytes(),
                mixed ? null : x.bo(),
                mixed,
                0,
                x.dump() || y.dump());
    }
}
