package io.vmledger.core.store;

import java.util.AbstractMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * An {@link OrderedTable} on an in-memory B+tree laid out for cache locality.
 *
 * <h2>Layout</h2>
 *
 * <ul>
 *   <li><b>Keys are primitives.</b> Every node holds its keys in three parallel {@code long[]}
 *       arrays {@code a}, {@code b}, {@code c} (the parts of a {@link CompositeKey}), stored with
 *       the sign bit flipped ({@code x ^ Long.MIN_VALUE}) so that a plain signed comparison of the
 *       stored longs is the unsigned order of {@link CompositeKey#compareTo}. A lookup flips the
 *       probe once and then binary-searches a node with no key objects, no {@code compareTo} calls
 *       and no pointer loads: the probed slots of one node sit in a few adjacent cache lines.
 *   <li><b>Leaves</b> ({@code Leaf}) hold up to {@value #LEAF_MAX} entries: the key arrays plus an
 *       {@code Object[]} of values. Leaves are doubly linked in key order, so a range scan walks
 *       arrays sequentially and {@code floor}/{@code ceiling} step to a neighbour leaf without
 *       re-descending.
 *   <li><b>Inner nodes</b> ({@code Inner}) hold up to {@value #INNER_MAX} separator keys and one
 *       more child reference. Child {@code i} holds exactly the keys {@code k} with {@code sep[i-1]
 *       <= k < sep[i]}.
 *   <li><b>Fan-out</b> is {@value #LEAF_MAX} entries per leaf and {@value #INNER_MAX} separators
 *       per inner node, chosen by measurement ({@code OrderedTableBench} over 5k–1M entries against
 *       16/16, 32/32, 32/64, 64/64, 128/128 and 128/64): a leaf's three key arrays are 8 cache
 *       lines each, so a leaf search touches a handful of lines, and the wider inner nodes keep
 *       tables of up to ~250k entries at two inner levels (three node visits per lookup against ~18
 *       for a red-black tree). Wider leaves made inserts and deletes slower (longer array shifts);
 *       narrower ones added a level.
 * </ul>
 *
 * <h2>Why</h2>
 *
 * A {@link java.util.TreeMap} lookup visits ~log2(n) nodes, each a separately allocated object
 * whose key is another object: two dependent cache misses per level once the table outgrows the
 * cache. Here a lookup touches three or four nodes, and inside a node the binary search runs over
 * contiguous primitive arrays. Memory per entry is ~30–55 bytes (24 key bytes and a value
 * reference, at 50–100% leaf fill) against ~80 for a TreeMap entry plus the key object it keeps.
 *
 * <h2>Maintenance</h2>
 *
 * Inserts split a full node; an insert at the very end of a node (ascending appends, the common
 * {@code (vm, n)} pattern) splits off a nearly empty right node instead of halving, so appended
 * runs leave full nodes behind. Deletes rebalance an underfull node (fewer than half of its
 * capacity) by merging it with a sibling when the two fit in one node, else by moving entries from
 * the sibling to even them out; an empty inner root is collapsed. Every node but the root therefore
 * holds at least one key, and the depth stays logarithmic.
 *
 * <h2>Allocation</h2>
 *
 * {@link #get} never allocates; {@link #floor} and {@link #ceiling} allocate nothing on a miss and
 * a key plus an entry on a hit (keys are not stored as objects: returned keys are rebuilt from the
 * arrays and are {@code equals} to, not identical with, the key that was put). Per the {@link
 * OrderedTable} contract a {@link Cursor} is never held across writes, so cursors do no
 * concurrent-modification checks. Not thread-safe.
 */
public final class BTreeTable<V> implements OrderedTable<V> {
    /** Most entries in a leaf. */
    static final int LEAF_MAX = 64;

    /** Most separator keys in an inner node (it then has one more child). */
    static final int INNER_MAX = 128;

    /** A non-root leaf with fewer entries is rebalanced. */
    private static final int LEAF_MIN = LEAF_MAX / 2;

    /** A non-root inner node with fewer separators is rebalanced. */
    private static final int INNER_MIN = INNER_MAX / 2;

    /** Common part of both node kinds: {@code n} keys, sign-flipped, in parallel arrays. */
    abstract static class Node {
        final long[] a;
        final long[] b;
        final long[] c;
        int n;

        /** One slot beyond the maximum: a node is inserted into first and split afterwards. */
        Node(int max) {
            a = new long[max + 1];
            b = new long[max + 1];
            c = new long[max + 1];
        }
    }

    /**
     * {@code System.arraycopy} of {@code len} keys (all three parts) from {@code src} to {@code
     * dst}.
     */
    private static void copyKeys(Node src, int from, Node dst, int to, int len) {
        System.arraycopy(src.a, from, dst.a, to, len);
        System.arraycopy(src.b, from, dst.b, to, len);
        System.arraycopy(src.c, from, dst.c, to, len);
    }

    static final class Leaf extends Node {
        final Object[] v = new Object[LEAF_MAX + 1];
        Leaf prev;
        Leaf next;

        Leaf() {
            super(LEAF_MAX);
        }
    }

    static final class Inner extends Node {
        final Node[] kids = new Node[INNER_MAX + 2];

        Inner() {
            super(INNER_MAX);
        }
    }

    /** A {@link Leaf} when {@link #height} is 0. */
    private Node root = new Leaf();

    /** Number of inner levels above the leaves. */
    private int height;

    private int size;

    /** The separator produced by the last split (sign-flipped). */
    private long splitA;

    private long splitB;
    private long splitC;

    /** Number of entries. */
    public int size() {
        return size;
    }

    // ---------------------------------------------------------------- reads

    @Override
    @SuppressWarnings("unchecked")
    public V get(CompositeKey key) {
        long a = key.a() ^ Long.MIN_VALUE;
        long b = key.b() ^ Long.MIN_VALUE;
        long c = key.c() ^ Long.MIN_VALUE;
        Leaf leaf = leafFor(a, b, c);
        int r = search(leaf, a, b, c);
        return r >= 0 ? (V) leaf.v[r] : null;
    }

    @Override
    public Map.Entry<CompositeKey, V> floor(CompositeKey from, CompositeKey at) {
        long a = at.a() ^ Long.MIN_VALUE;
        long b = at.b() ^ Long.MIN_VALUE;
        long c = at.c() ^ Long.MIN_VALUE;
        Leaf leaf = leafFor(a, b, c);
        int r = search(leaf, a, b, c);
        int i = r >= 0 ? r : -r - 2; // the last key <= at
        if (i < 0) {
            // every key of the previous leaf is below the separator that led here, which is <= at
            leaf = leaf.prev;
            if (leaf == null) {
                return null;
            }
            i = leaf.n - 1;
        }
        if (compare(
                        leaf,
                        i,
                        from.a() ^ Long.MIN_VALUE,
                        from.b() ^ Long.MIN_VALUE,
                        from.c() ^ Long.MIN_VALUE)
                < 0) {
            return null;
        }
        return entry(leaf, i);
    }

    @Override
    public Map.Entry<CompositeKey, V> ceiling(CompositeKey at, CompositeKey to) {
        long a = at.a() ^ Long.MIN_VALUE;
        long b = at.b() ^ Long.MIN_VALUE;
        long c = at.c() ^ Long.MIN_VALUE;
        Leaf leaf = leafFor(a, b, c);
        int r = search(leaf, a, b, c);
        int i = r >= 0 ? r : -r - 1; // the first key >= at
        if (i >= leaf.n) {
            // every key of the next leaf is at least the separator after this one, which is > at
            leaf = leaf.next;
            if (leaf == null) {
                return null;
            }
            i = 0;
        }
        if (compare(
                        leaf,
                        i,
                        to.a() ^ Long.MIN_VALUE,
                        to.b() ^ Long.MIN_VALUE,
                        to.c() ^ Long.MIN_VALUE)
                > 0) {
            return null;
        }
        return entry(leaf, i);
    }

    @Override
    public Cursor<V> range(CompositeKey from, CompositeKey to) {
        if (from.compareTo(to) > 0) {
            return new RangeCursor<>(null, 0, 0, 0, 0);
        }
        long a = from.a() ^ Long.MIN_VALUE;
        long b = from.b() ^ Long.MIN_VALUE;
        long c = from.c() ^ Long.MIN_VALUE;
        Leaf leaf = leafFor(a, b, c);
        int r = search(leaf, a, b, c);
        return new RangeCursor<>(
                leaf,
                r >= 0 ? r : -r - 1,
                to.a() ^ Long.MIN_VALUE,
                to.b() ^ Long.MIN_VALUE,
                to.c() ^ Long.MIN_VALUE);
    }

    /** The leaf whose key interval holds the (flipped) key. */
    private Leaf leafFor(long a, long b, long c) {
        Node x = root;
        for (int h = height; h > 0; h--) {
            Inner in = (Inner) x;
            x = in.kids[childIndex(in, a, b, c)];
        }
        return (Leaf) x;
    }

    /** The child of {@code in} whose interval holds the key: the number of separators <= key. */
    private static int childIndex(Inner in, long a, long b, long c) {
        int r = search(in, a, b, c);
        return r >= 0 ? r + 1 : -r - 1;
    }

    /**
     * Binary search of a node's flipped keys: the index of the key, or {@code -(insertion point) -
     * 1}.
     */
    private static int search(Node x, long a, long b, long c) {
        long[] ka = x.a;
        int lo = 0;
        int hi = x.n - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long m = ka[mid];
            if (m < a) {
                lo = mid + 1;
            } else if (m > a) {
                hi = mid - 1;
            } else {
                m = x.b[mid];
                if (m < b) {
                    lo = mid + 1;
                } else if (m > b) {
                    hi = mid - 1;
                } else {
                    m = x.c[mid];
                    if (m < c) {
                        lo = mid + 1;
                    } else if (m > c) {
                        hi = mid - 1;
                    } else {
                        return mid;
                    }
                }
            }
        }
        return -(lo + 1);
    }

    /** Compares the key in slot {@code i} with a flipped key. */
    private static int compare(Node x, int i, long a, long b, long c) {
        int r = Long.compare(x.a[i], a);
        if (r != 0) {
            return r;
        }
        r = Long.compare(x.b[i], b);
        return r != 0 ? r : Long.compare(x.c[i], c);
    }

    @SuppressWarnings("unchecked")
    private static <V> Map.Entry<CompositeKey, V> entry(Leaf leaf, int i) {
        return new AbstractMap.SimpleImmutableEntry<>(
                new CompositeKey(
                        leaf.a[i] ^ Long.MIN_VALUE,
                        leaf.b[i] ^ Long.MIN_VALUE,
                        leaf.c[i] ^ Long.MIN_VALUE),
                (V) leaf.v[i]);
    }

    // ---------------------------------------------------------------- insert

    @Override
    public void put(CompositeKey key, V value) {
        long a = key.a() ^ Long.MIN_VALUE;
        long b = key.b() ^ Long.MIN_VALUE;
        long c = key.c() ^ Long.MIN_VALUE;
        Node right = insert(root, height, a, b, c, value);
        if (right != null) {
            Inner r = new Inner();
            r.a[0] = splitA;
            r.b[0] = splitB;
            r.c[0] = splitC;
            r.n = 1;
            r.kids[0] = root;
            r.kids[1] = right;
            root = r;
            height++;
        }
    }

    /**
     * Inserts or replaces under {@code x} (at height {@code h}); returns the new right sibling if
     * {@code x} split, its first key in {@link #splitA}/{@link #splitB}/{@link #splitC}.
     */
    private Node insert(Node x, int h, long a, long b, long c, Object value) {
        if (h == 0) {
            Leaf leaf = (Leaf) x;
            int r = search(leaf, a, b, c);
            if (r >= 0) {
                leaf.v[r] = value;
                return null;
            }
            int i = -r - 1;
            size++;
            int n = leaf.n;
            int move = n - i;
            if (move > 0) {
                copyKeys(leaf, i, leaf, i + 1, move);
                System.arraycopy(leaf.v, i, leaf.v, i + 1, move);
            }
            leaf.a[i] = a;
            leaf.b[i] = b;
            leaf.c[i] = c;
            leaf.v[i] = value;
            leaf.n = n + 1;
            return n + 1 > LEAF_MAX ? splitLeaf(leaf, i) : null;
        }
        Inner in = (Inner) x;
        int ci = childIndex(in, a, b, c);
        Node right = insert(in.kids[ci], h - 1, a, b, c, value);
        if (right == null) {
            return null;
        }
        // separator ci, child ci + 1
        int n = in.n;
        int move = n - ci;
        if (move > 0) {
            copyKeys(in, ci, in, ci + 1, move);
            System.arraycopy(in.kids, ci + 1, in.kids, ci + 2, move);
        }
        in.a[ci] = splitA;
        in.b[ci] = splitB;
        in.c[ci] = splitC;
        in.kids[ci + 1] = right;
        in.n = n + 1;
        return n + 1 > INNER_MAX ? splitInner(in, ci) : null;
    }

    /** Splits a leaf holding {@code LEAF_MAX + 1} entries whose last insert went to {@code i}. */
    private Leaf splitLeaf(Leaf left, int i) {
        int n = left.n;
        // an append at the end keeps the left leaf full and starts a new one
        int keep = i == n - 1 ? n - 1 : n / 2;
        int move = n - keep;
        Leaf right = new Leaf();
        copyKeys(left, keep, right, 0, move);
        System.arraycopy(left.v, keep, right.v, 0, move);
        java.util.Arrays.fill(left.v, keep, n, null);
        right.n = move;
        left.n = keep;
        right.next = left.next;
        if (right.next != null) {
            right.next.prev = right;
        }
        right.prev = left;
        left.next = right;
        splitA = right.a[0];
        splitB = right.b[0];
        splitC = right.c[0];
        return right;
    }

    /**
     * Splits an inner node holding {@code INNER_MAX + 1} separators whose last insert went to
     * separator {@code i}: the middle separator moves up (into {@link #splitA} etc.).
     */
    private Inner splitInner(Inner left, int i) {
        int n = left.n;
        // an append at the end keeps the left node (nearly) full; the right one gets 1 separator
        int m = i == n - 1 ? n - 2 : n / 2;
        Inner right = new Inner();
        int move = n - m - 1;
        copyKeys(left, m + 1, right, 0, move);
        System.arraycopy(left.kids, m + 1, right.kids, 0, move + 1);
        java.util.Arrays.fill(left.kids, m + 1, n + 1, null);
        right.n = move;
        left.n = m;
        splitA = left.a[m];
        splitB = left.b[m];
        splitC = left.c[m];
        return right;
    }

    // ---------------------------------------------------------------- delete

    @Override
    public void delete(CompositeKey key) {
        long a = key.a() ^ Long.MIN_VALUE;
        long b = key.b() ^ Long.MIN_VALUE;
        long c = key.c() ^ Long.MIN_VALUE;
        if (!remove(root, height, a, b, c)) {
            return;
        }
        size--;
        if (height > 0 && root.n == 0) {
            root = ((Inner) root).kids[0];
            height--;
        }
    }

    /** Removes the key under {@code x} (at height {@code h}); false if absent. */
    private boolean remove(Node x, int h, long a, long b, long c) {
        if (h == 0) {
            Leaf leaf = (Leaf) x;
            int r = search(leaf, a, b, c);
            if (r < 0) {
                return false;
            }
            int n = leaf.n - 1;
            int move = n - r;
            if (move > 0) {
                copyKeys(leaf, r + 1, leaf, r, move);
                System.arraycopy(leaf.v, r + 1, leaf.v, r, move);
            }
            leaf.v[n] = null;
            leaf.n = n;
            return true;
        }
        Inner in = (Inner) x;
        int ci = childIndex(in, a, b, c);
        Node child = in.kids[ci];
        if (!remove(child, h - 1, a, b, c)) {
            return false;
        }
        if (child.n < (h == 1 ? LEAF_MIN : INNER_MIN)) {
            rebalance(in, ci, h == 1);
        }
        return true;
    }

    /**
     * Fixes the underfull child {@code ci} of {@code in} (which has at least one separator): merges
     * it with a sibling if both fit one node, else evens the two out.
     */
    private static void rebalance(Inner in, int ci, boolean leaves) {
        int p = ci > 0 ? ci - 1 : ci; // the separator between the pair
        Node left = in.kids[p];
        Node right = in.kids[p + 1];
        if (leaves) {
            Leaf l = (Leaf) left;
            Leaf r = (Leaf) right;
            if (l.n + r.n <= LEAF_MAX) {
                mergeLeaves(l, r);
                removeSeparator(in, p);
            } else if (l.n > r.n) {
                leafToRight(in, p, l, r, (l.n - r.n) / 2);
            } else {
                leafToLeft(in, p, l, r, (r.n - l.n) / 2);
            }
        } else {
            Inner l = (Inner) left;
            Inner r = (Inner) right;
            if (l.n + r.n + 1 <= INNER_MAX) {
                mergeInner(in, p, l, r);
                removeSeparator(in, p);
            } else if (l.n > r.n) {
                innerToRight(in, p, l, r, (l.n - r.n) / 2);
            } else {
                innerToLeft(in, p, l, r, (r.n - l.n) / 2);
            }
        }
    }

    /** Removes separator {@code p} and child {@code p + 1} of {@code in}. */
    private static void removeSeparator(Inner in, int p) {
        int n = in.n - 1;
        int move = n - p;
        if (move > 0) {
            copyKeys(in, p + 1, in, p, move);
            System.arraycopy(in.kids, p + 2, in.kids, p + 1, move);
        }
        in.kids[n + 1] = null;
        in.n = n;
    }

    private static void mergeLeaves(Leaf l, Leaf r) {
        int ln = l.n;
        int rn = r.n;
        copyKeys(r, 0, l, ln, rn);
        System.arraycopy(r.v, 0, l.v, ln, rn);
        l.n = ln + rn;
        l.next = r.next;
        if (l.next != null) {
            l.next.prev = l;
        }
    }

    /** Moves the last {@code k} entries of leaf {@code l} to the front of its right sibling. */
    private static void leafToRight(Inner in, int p, Leaf l, Leaf r, int k) {
        int rn = r.n;
        int from = l.n - k;
        copyKeys(r, 0, r, k, rn);
        System.arraycopy(r.v, 0, r.v, k, rn);
        copyKeys(l, from, r, 0, k);
        System.arraycopy(l.v, from, r.v, 0, k);
        java.util.Arrays.fill(l.v, from, l.n, null);
        l.n = from;
        r.n = rn + k;
        in.a[p] = r.a[0];
        in.b[p] = r.b[0];
        in.c[p] = r.c[0];
    }

    /** Moves the first {@code k} entries of leaf {@code r} to the end of its left sibling. */
    private static void leafToLeft(Inner in, int p, Leaf l, Leaf r, int k) {
        int ln = l.n;
        int rn = r.n - k;
        copyKeys(r, 0, l, ln, k);
        System.arraycopy(r.v, 0, l.v, ln, k);
        copyKeys(r, k, r, 0, rn);
        System.arraycopy(r.v, k, r.v, 0, rn);
        java.util.Arrays.fill(r.v, rn, r.n, null);
        l.n = ln + k;
        r.n = rn;
        in.a[p] = r.a[0];
        in.b[p] = r.b[0];
        in.c[p] = r.c[0];
    }

    /** Appends separator {@code p} of {@code in} and all of {@code r} to {@code l}. */
    private static void mergeInner(Inner in, int p, Inner l, Inner r) {
        int ln = l.n;
        int rn = r.n;
        l.a[ln] = in.a[p];
        l.b[ln] = in.b[p];
        l.c[ln] = in.c[p];
        copyKeys(r, 0, l, ln + 1, rn);
        System.arraycopy(r.kids, 0, l.kids, ln + 1, rn + 1);
        l.n = ln + 1 + rn;
    }

    /**
     * Rotates {@code k} separators from inner node {@code l} through separator {@code p} of the
     * parent into its right sibling {@code r}, with the {@code k} last children of {@code l}.
     */
    private static void innerToRight(Inner in, int p, Inner l, Inner r, int k) {
        int ln = l.n;
        int rn = r.n;
        copyKeys(r, 0, r, k, rn);
        System.arraycopy(r.kids, 0, r.kids, k, rn + 1);
        r.a[k - 1] = in.a[p];
        r.b[k - 1] = in.b[p];
        r.c[k - 1] = in.c[p];
        copyKeys(l, ln - k + 1, r, 0, k - 1);
        System.arraycopy(l.kids, ln - k + 1, r.kids, 0, k);
        in.a[p] = l.a[ln - k];
        in.b[p] = l.b[ln - k];
        in.c[p] = l.c[ln - k];
        java.util.Arrays.fill(l.kids, ln - k + 1, ln + 1, null);
        l.n = ln - k;
        r.n = rn + k;
    }

    /**
     * Rotates {@code k} separators from inner node {@code r} through separator {@code p} of the
     * parent into its left sibling {@code l}, with the {@code k} first children of {@code r}.
     */
    private static void innerToLeft(Inner in, int p, Inner l, Inner r, int k) {
        int ln = l.n;
        int rn = r.n;
        l.a[ln] = in.a[p];
        l.b[ln] = in.b[p];
        l.c[ln] = in.c[p];
        copyKeys(r, 0, l, ln + 1, k - 1);
        System.arraycopy(r.kids, 0, l.kids, ln + 1, k);
        in.a[p] = r.a[k - 1];
        in.b[p] = r.b[k - 1];
        in.c[p] = r.c[k - 1];
        copyKeys(r, k, r, 0, rn - k);
        System.arraycopy(r.kids, k, r.kids, 0, rn - k + 1);
        java.util.Arrays.fill(r.kids, rn - k + 1, rn + 1, null);
        l.n = ln + k;
        r.n = rn - k;
    }

    // ---------------------------------------------------------------- checks

    /** Number of inner levels above the leaves (for tests). */
    int height() {
        return height;
    }

    /**
     * Checks the structure (for tests): ascending keys, separator intervals, uniform leaf depth, no
     * empty node but a root leaf, cleared spare slots, leaf links in key order and the entry count.
     *
     * @throws IllegalStateException on the first violation
     */
    void verify() {
        Leaf[] last = new Leaf[1];
        long count = verify(root, height, null, null, last, true);
        if (count != size) {
            throw new IllegalStateException("size " + size + " but " + count + " entries");
        }
        if (last[0] != null && last[0].next != null) {
            throw new IllegalStateException("last leaf has a next");
        }
    }

    /** Bounds are flipped keys as {@code long[3]}: {@code lo <= key < hi}; null = unbounded. */
    private long verify(Node x, int h, long[] lo, long[] hi, Leaf[] last, boolean isRoot) {
        int max = h == 0 ? LEAF_MAX : INNER_MAX;
        if (x.n > max || ((!isRoot || h > 0) && x.n < 1)) {
            throw new IllegalStateException("node of " + x.n + " keys at height " + h);
        }
        for (int i = 0; i < x.n; i++) {
            if (i > 0 && compare(x, i - 1, x.a[i], x.b[i], x.c[i]) >= 0) {
                throw new IllegalStateException("keys not ascending at height " + h);
            }
            if (lo != null && compare(x, i, lo[0], lo[1], lo[2]) < 0
                    || hi != null && compare(x, i, hi[0], hi[1], hi[2]) >= 0) {
                throw new IllegalStateException("key outside its separators at height " + h);
            }
        }
        if (h == 0) {
            Leaf leaf = (Leaf) x;
            for (int i = leaf.n; i < leaf.v.length; i++) {
                if (leaf.v[i] != null) {
                    throw new IllegalStateException("stale value slot");
                }
            }
            if (leaf.prev != last[0] || last[0] != null && last[0].next != leaf) {
                throw new IllegalStateException("broken leaf links");
            }
            last[0] = leaf;
            return leaf.n;
        }
        Inner in = (Inner) x;
        for (int i = in.n + 1; i < in.kids.length; i++) {
            if (in.kids[i] != null) {
                throw new IllegalStateException("stale child slot");
            }
        }
        long count = 0;
        for (int i = 0; i <= in.n; i++) {
            long[] l = i == 0 ? lo : new long[] {in.a[i - 1], in.b[i - 1], in.c[i - 1]};
            long[] r = i == in.n ? hi : new long[] {in.a[i], in.b[i], in.c[i]};
            count += verify(in.kids[i], h - 1, l, r, last, false);
        }
        return count;
    }

    // ---------------------------------------------------------------- cursor

    /** Walks leaves from a start slot while keys are <= the (flipped) upper bound. */
    private static final class RangeCursor<V> implements Cursor<V> {
        private Leaf leaf;
        private int i;
        private final long ta;
        private final long tb;
        private final long tc;

        RangeCursor(Leaf leaf, int i, long ta, long tb, long tc) {
            this.leaf = leaf;
            this.i = i;
            this.ta = ta;
            this.tb = tb;
            this.tc = tc;
        }

        @Override
        public boolean hasNext() {
            Leaf l = leaf;
            if (l == null) {
                return false;
            }
            while (i >= l.n) {
                l = l.next;
                if (l == null) {
                    leaf = null;
                    return false;
                }
                leaf = l;
                i = 0;
            }
            if (compare(l, i, ta, tb, tc) > 0) {
                leaf = null;
                return false;
            }
            return true;
        }

        @Override
        public Map.Entry<CompositeKey, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return entry(leaf, i++);
        }

        @Override
        public void close() {
            leaf = null;
        }
    }
}
