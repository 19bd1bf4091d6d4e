package io.vmledger.core;

import static io.vmledger.core.LedgerFixture.PAGE;
import static io.vmledger.core.LedgerFixture.bind;
import static io.vmledger.core.LedgerFixture.map;
import static io.vmledger.core.LedgerFixture.mapNull;
import static io.vmledger.core.LedgerFixture.stats;
import static io.vmledger.core.LedgerFixture.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.event.Event;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.PtOp;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.PageTableStats;
import io.vmledger.core.state.VmLogEntry;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The page-table model through the fold (kernel-semantics §5.1, §5.3, §5.4): L1/L2/L3 tables are
 * allocated on first use and never freed by VM_BIND unmaps, PTEs are the mapped 4 KiB pages, and
 * file close destroys the whole tree (§3.7).
 */
class PageTableTest {
    private static final long F = 1;
    private static final long BO = 7;
    private static final long BASE = 0x100000000L;
    private static final long GIB = 0x40000000L;

    private LedgerFixture t;

    @BeforeEach
    void setUp() {
        t = new LedgerFixture();
        t.vmBindFile(F);
        t.boNew(F, BO, 0x100000);
    }

    @Test
    void emptyVmHasNoTablesBelowTheRoot() {
        // §5.1: the root is allocated with the VM and not counted.
        assertEquals(stats(0, 0, 0, 0), t.pt(F));
    }

    @Test
    void example1SingleMapCreatesOneTablePerLevel() {
        // §5.3 example 1.
        t.ok(bind(F, map(BO, 0, BASE, PAGE)));
        assertEquals(stats(1, 1, 1, 1), t.pt(F));
    }

    @Test
    void example2SecondMapInSameRegionCreatesNoTables() {
        t.ok(bind(F, map(BO, 0, BASE, PAGE)));
        t.ok(bind(F, map(BO, PAGE, BASE + PAGE, PAGE)));
        assertEquals(stats(1, 1, 1, 2), t.pt(F));
    }

    @Test
    void example3MapCrossing2MiBBoundaryNeedsTwoL3Tables() {
        t.ok(bind(F, map(BO, 0, 0x1001FF000L, 2 * PAGE)));
        assertEquals(stats(1, 1, 2, 2), t.pt(F));
    }

    @Test
    void mapCrossing1GiBBoundaryNeedsTwoL2Tables() {
        t.ok(bind(F, map(BO, 0, BASE + GIB - PAGE, 2 * PAGE)));
        assertEquals(stats(1, 2, 2, 2), t.pt(F));
    }

    @Test
    void mapCrossing512GiBBoundaryNeedsTwoL1Tables() {
        t.ok(bind(F, map(BO, 0, 0x8000000000L - PAGE, 2 * PAGE)));
        assertEquals(stats(2, 2, 2, 2), t.pt(F));
    }

    @Test
    void example4FarApartOpsInOneJob() {
        t.ok(bind(F, map(BO, 0, BASE, PAGE), map(BO, 0, 0x100400000L, PAGE)));
        assertEquals(stats(1, 1, 2, 2), t.pt(F));
    }

    @Test
    void pteCountEqualsMappedPages() {
        t.ok(bind(F, map(BO, 0, BASE, 16 * PAGE)));
        assertEquals(16, t.pt(F).ptes());
        t.ok(bind(F, unmap(BASE + 4 * PAGE, 4 * PAGE)));
        assertEquals(12, t.pt(F).ptes());
        t.ok(bind(F, mapNull(BASE + 2 * PAGE, 4 * PAGE)));
        assertEquals(14, t.pt(F).ptes(), "MAP_NULL pages are PRR PTEs");
        t.ok(bind(F, map(BO, 0, BASE, 16 * PAGE)));
        assertEquals(16, t.pt(F).ptes(), "remapping over existing pages does not double count");
    }

    @Test
    void vmBindUnmapNeverFreesTables() {
        // §5.1: tables are never freed because they became empty (4 KiB unmaps only).
        t.ok(bind(F, map(BO, 0, 0x1001FF000L, 2 * PAGE), map(BO, 0, BASE + GIB, 0x100000)));
        assertEquals(stats(1, 2, 3, 258), t.pt(F));
        t.ok(bind(F, unmap(BASE, 2 * GIB)));
        assertEquals(stats(1, 2, 3, 0), t.pt(F));
        assertTrue(t.vm(F).vas().isEmpty());
    }

    @Test
    void unmappingWhole2MiBAnd1GiBRegionsFreesNoTables() {
        // §5.1: VM_BIND VMs use 4 KiB pages only, so even an unmap covering whole 2 MiB regions
        // (which a block-sized unmap of a kernel-managed VM would free) keeps every table.
        t.boNew(F, 8, 0x400000);
        t.ok(bind(F, map(8, 0, BASE, 0x400000)));
        assertEquals(stats(1, 1, 2, 1024), t.pt(F));
        t.ok(bind(F, unmap(BASE, 0x400000)));
        assertEquals(stats(1, 1, 2, 0), t.pt(F));
    }

    @Test
    void remappingAfterUnmapReusesTheKeptTables() {
        t.ok(bind(F, map(BO, 0, BASE, PAGE)));
        t.ok(bind(F, unmap(BASE, PAGE)));
        t.ok(bind(F, map(BO, 0, BASE + 0x100000, 0x10000)));
        assertEquals(stats(1, 1, 1, 16), t.pt(F));
    }

    @Test
    void partialUnmapKeepsRemainderPtes() {
        // §3.5 REMAP: only the overlapping part is unmapped; the remainders keep their PTEs.
        t.ok(bind(F, map(BO, 0, BASE, 8 * PAGE)));
        Outcome o = t.ok(bind(F, unmap(BASE + 2 * PAGE, 2 * PAGE)));
        assertEquals(List.of(PtOp.unmap(BASE + 2 * PAGE, 2 * PAGE)), o.ops().get(0).pt());
        assertEquals(6, t.pt(F).ptes());
    }

    @Test
    void fileCloseDestroysThePageTable() {
        // §3.7 + §5.1: VM destroy frees the whole tree.
        t.ok(bind(F, map(BO, 0, BASE, 4 * PAGE), mapNull(BASE + GIB, PAGE)));
        assertFalse(t.pt(F).equals(stats(0, 0, 0, 0)));
        Outcome o = t.ok(new Event.FileClose(F));
        VmView vm = t.vm(F);
        assertEquals(stats(0, 0, 0, 0), vm.pagetable());
        assertTrue(vm.vas().isEmpty());
        assertTrue(vm.vm().closed());
        assertTrue(LedgerFixture.kinds(o).contains(Effect.Kind.VM_CLOSED));
    }

    @Test
    void fileCloseTearsDownEveryVaAscendingWithCloseLogEntriesOnQueueZero() {
        // §3.7 step 4: every remaining VA (BO and NULL alike), ascending, unmapped with reason
        // "close" and queue_id 0.
        t.ok(bind(F, mapNull(BASE + GIB, PAGE), map(BO, 0, BASE, 4 * PAGE)));
        List<Va> vas = t.vm(F).vas();
        Outcome o = t.ok(new Event.FileClose(F));
        List<VmLogEntry> log = t.vm(F).log();
        assertEquals(
                List.of(
                        new VmLogEntry("close", 0, BASE, 4 * PAGE),
                        new VmLogEntry("close", 0, BASE + GIB, PAGE)),
                log.subList(log.size() - 2, log.size()));
        List<Effect> torn =
                o.effects().stream().filter(e -> e.kind() == Effect.Kind.VMA_TORN_DOWN).toList();
        assertEquals(vas.size(), torn.size());
        for (int i = 0; i < vas.size(); i++) {
            assertEquals(vas.get(i).addr(), torn.get(i).iova());
            assertEquals("close", torn.get(i).reason());
        }
    }

    /**
     * §5.1/§5.4 as a seeded property: after any sequence of VM_BIND maps and unmaps, the tables are
     * exactly one per 512 GiB / 1 GiB / 2 MiB region that was ever mapped (never freed), PTEs are
     * the currently mapped pages, and a job never consumes more tables than it reserved (§5.2). The
     * window straddles the 512 GiB boundary; ops cluster around it so table runs touch, merge and
     * split. Failures name the seed and ioctl.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void tablesAreExactlyTheRegionsEverMapped(long seed) {
        long start = 0x8000000000L - 0x10000000L;
        long mib2 = 0x200000L;
        LedgerFixture p = new LedgerFixture();
        p.ok(new Event.FileOpen(F, true, start, GIB, true));
        p.ok(new Event.SubmitqueueNew(F, LedgerFixture.Q, true));
        p.boNew(F, BO, 1024 * PAGE);
        Random rnd = new Random(seed);
        Set<Long> l1 = new TreeSet<>();
        Set<Long> l2 = new TreeSet<>();
        Set<Long> l3 = new TreeSet<>();
        TreeMap<Long, Long> mapped = new TreeMap<>();
        for (int k = 0; k < 30; k++) {
            long region = rnd.nextInt(8) == 0 ? rnd.nextInt(512) : 120 + rnd.nextInt(16);
            long pages = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 700);
            long iova = start + region * mib2 + rnd.nextInt(512) * PAGE;
            if (iova + pages * PAGE > start + GIB) {
                iova = start + GIB - pages * PAGE;
            }
            String where =
                    "seed="
                            + seed
                            + " ioctl#"
                            + k
                            + " iova=0x"
                            + Long.toHexString(iova)
                            + " pages="
                            + pages;
            PageTableStats before = p.pt(F);
            Outcome o;
            if (rnd.nextInt(3) == 0) {
                o = p.ok(bind(F, unmap(iova, pages * PAGE)));
                for (long a = iova; a < iova + pages * PAGE; a += PAGE) {
                    mapped.remove(a);
                }
            } else {
                long off = rnd.nextInt((int) (1024 - pages + 1)) * PAGE;
                o =
                        p.ok(
                                bind(
                                        F,
                                        rnd.nextBoolean()
                                                ? map(BO, off, iova, pages * PAGE)
                                                : mapNull(iova, pages * PAGE)));
                for (long a = iova; a < iova + pages * PAGE; a += PAGE) {
                    mapped.put(a, a);
                    l1.add(a >>> 39);
                    l2.add(a >>> 30);
                    l3.add(a >>> 21);
                }
            }
            PageTableStats after = p.pt(F);
            assertEquals(stats(l1.size(), l2.size(), l3.size(), mapped.size()), after, where);
            long consumed =
                    after.l1() + after.l2() + after.l3() - before.l1() - before.l2() - before.l3();
            assertTrue(
                    consumed <= o.preallocPages(),
                    () -> where + ": consumed " + consumed + " > " + o.preallocPages());
            assertEquals(
                    mapped.size(),
                    p.vm(F).vas().stream().mapToLong(v -> v.range() / PAGE).sum(),
                    where);
        }
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 50);
    }

    @Test
    void legacyGetIovaMapsTheWholeBo() {
        // §5.4 applies to kernel-managed VMs too: whole BO, 4 KiB PTEs counted.
        t.legacyFile(2);
        t.boNew(2, 8, 0x3000);
        t.ok(new Event.GetIova(2, 8, BASE));
        assertEquals(stats(1, 1, 1, 3), t.pt(2));
    }
}
