package io.vmledger.core;

import static io.vmledger.core.LedgerFixture.PAGE;
import static io.vmledger.core.LedgerFixture.bind;
import static io.vmledger.core.LedgerFixture.kinds;
import static io.vmledger.core.LedgerFixture.map;
import static io.vmledger.core.LedgerFixture.unmap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vmledger.core.event.Event;
import io.vmledger.core.event.Madv;
import io.vmledger.core.fold.Effect;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.VmLogEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BO lifetime (kernel-semantics §4, with the hard-reference world of §2 and the VM_BIND and legacy
 * teardown rules of §3.2, §3.7): {@code vma_ref} and the display VM's lazy teardown, self-import,
 * NO_SHARE, VM_BIND mappings keeping BOs alive, purge and vmap counts.
 */
class BoLifecycleTest {
    private static final long LEGACY = 1;
    private static final long BO = 7;
    private static final long FB = 1;
    private static final long KMS = 0;
    private static final long BASE = 0x100000000L;

    private static List<Effect> effectsOf(Outcome o, Effect.Kind kind) {
        return o.effects().stream().filter(e -> e.kind() == kind).toList();
    }

    private static LedgerFixture displayDevice() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(LEGACY);
        t.ok(new Event.KmsVm(0x1000000L, 0x100000000L));
        return t;
    }

    // ---- §4 example timeline ----

    @Test
    void vmaRefTimelineOfTheDisplayVm() {
        LedgerFixture t = displayDevice();
        // GEM_NEW → 1, no KMS VMA
        t.boNew(LEGACY, BO, 0x10000);
        assertEquals(1, t.bo(BO).vmaRef());
        assertTrue(t.vm(KMS).vas().isEmpty());

        // prepare/pin → 2, VMA created and mapped
        Outcome prep = t.ok(new Event.FbPrepare(FB, List.of(BO), null));
        assertEquals(2, t.bo(BO).vmaRef());
        assertEquals(1, t.bo(BO).pins());
        List<Va> vas = t.vm(KMS).vas();
        assertEquals(1, vas.size());
        assertEquals(BO, vas.get(0).bo());
        assertEquals(0x10000, vas.get(0).range());
        long iova = vas.get(0).addr();
        assertEquals(List.of(Effect.Kind.VMA_MAPPED), kinds(prep));
        assertEquals(16, t.pt(KMS).ptes());

        // flip away (cleanup/unpin) → 1, kept mapped
        Outcome cleanup = t.ok(new Event.FbCleanup(FB));
        assertEquals(1, t.bo(BO).vmaRef());
        assertEquals(0, t.bo(BO).pins());
        assertEquals(vas, t.vm(KMS).vas());
        assertEquals(List.of(Effect.Kind.VMA_KEPT), kinds(cleanup));
        assertEquals(16, t.pt(KMS).ptes(), "lazy: PTEs stay");

        // flip back → 2, reused at the same iova
        Outcome again = t.ok(new Event.FbPrepare(FB, List.of(BO), null));
        assertEquals(2, t.bo(BO).vmaRef());
        assertEquals(List.of(Effect.Kind.VMA_REUSED), kinds(again));
        assertEquals(iova, again.effects().get(0).iova());
        assertEquals(vas, t.vm(KMS).vas());

        // flip away → 1, kept
        t.ok(new Event.FbCleanup(FB));
        assertEquals(1, t.bo(BO).vmaRef());

        // GEM_CLOSE → 0: unmapped ("vma_put") + closed → BO freed
        Outcome close = t.ok(new Event.HandleClose(LEGACY, BO));
        assertEquals(0, t.bo(BO).vmaRef());
        List<Effect> torn = effectsOf(close, Effect.Kind.VMA_TORN_DOWN);
        assertEquals(1, torn.size());
        assertEquals("vma_put", torn.get(0).reason());
        assertEquals(iova, torn.get(0).iova());
        assertEquals(KMS, torn.get(0).vm());
        assertEquals(1, effectsOf(close, Effect.Kind.BO_FREED).size());
        assertFalse(t.bo(BO).alive());
        assertTrue(t.vm(KMS).vas().isEmpty());
        assertEquals(0, t.pt(KMS).ptes());
    }

    @Test
    void aReuseOfAVmaKeptOnlyByTheLazyTeardownCountsAsAnUnmapAvoided() {
        LedgerFixture t = displayDevice();
        t.boNew(LEGACY, BO, 0x10000);
        t.ok(new Event.FbPrepare(FB, List.of(BO), null)); // mapped: nothing saved
        assertEquals(0, t.queries().device().displayUnmapsAvoided());
        t.ok(new Event.FbPrepare(FB + 1, List.of(BO), null)); // reused while fb 1 pins it
        assertEquals(0, t.queries().device().displayUnmapsAvoided(), "held by a pin: no saving");
        t.ok(new Event.FbCleanup(FB));
        t.ok(new Event.FbCleanup(FB + 1)); // unpinned, kept mapped (lazy)
        Outcome back = t.ok(new Event.FbPrepare(FB, List.of(BO), null));
        assertEquals(List.of(Effect.Kind.VMA_REUSED), kinds(back));
        assertEquals(1, t.queries().device().displayUnmapsAvoided());
        t.ok(new Event.FbCleanup(FB));
        t.ok(new Event.FbPrepare(FB, List.of(BO), null));
        assertEquals(2, t.queries().device().displayUnmapsAvoided());
        t.ok(new Event.HandleClose(LEGACY, BO)); // vma_ref stays 1: the fb still holds it
        assertEquals(2, t.queries().device().displayUnmapsAvoided());
    }

    @Test
    void handleCloseWhileScannedOutKeepsBoUntilLastCleanup() {
        // §4: while vma_ref > 0 the fb pin keeps the VMA; the last holder going away tears it down.
        LedgerFixture t = displayDevice();
        t.boNew(LEGACY, BO, 0x10000);
        t.ok(new Event.FbPrepare(FB, List.of(BO), null));
        Outcome close = t.ok(new Event.HandleClose(LEGACY, BO));
        assertTrue(close.effects().isEmpty(), () -> "nothing torn down yet: " + close.effects());
        assertTrue(t.bo(BO).alive());
        assertEquals(1, t.bo(BO).vmaRef());
        Outcome cleanup = t.ok(new Event.FbCleanup(FB));
        assertEquals(1, effectsOf(cleanup, Effect.Kind.VMA_TORN_DOWN).size());
        assertEquals(1, effectsOf(cleanup, Effect.Kind.BO_FREED).size());
        assertFalse(t.bo(BO).alive());
    }

    @Test
    void fbPrepareIsRefcountedPerFb() {
        // §4 increment 3: one vma_ref per fb, only on its first prepare (UNCERTAIN in the note).
        LedgerFixture t = displayDevice();
        t.boNew(LEGACY, BO, 0x10000);
        t.ok(new Event.FbPrepare(FB, List.of(BO), null));
        t.ok(new Event.FbPrepare(FB, List.of(BO), null));
        assertEquals(2, t.bo(BO).vmaRef());
        assertTrue(t.ok(new Event.FbCleanup(FB)).effects().isEmpty(), "not the last cleanup");
        assertEquals(2, t.bo(BO).vmaRef());
        t.ok(new Event.FbCleanup(FB));
        assertEquals(1, t.bo(BO).vmaRef());
    }

    // ---- self-import, §4 ----

    @Test
    void exportRaisesVmaRefOncePerDmabuf() {
        LedgerFixture t = displayDevice();
        t.boNew(LEGACY, BO, 0x1000);
        t.ok(new Event.DmabufExport(BO, 100, LEGACY));
        assertEquals(2, t.bo(BO).vmaRef());
        assertEquals(100L, t.bo(BO).dmabuf());
    }

    @Test
    void selfImportIntoTheExportingFileChangesNothing() {
        LedgerFixture t = displayDevice();
        t.boNew(LEGACY, BO, 0x1000);
        t.ok(new Event.DmabufExport(BO, 100, LEGACY));
        LedgerFixture.Snapshot before = t.snapshot();
        Outcome o = t.ok(new Event.DmabufImport(LEGACY, 100));
        assertTrue(o.effects().isEmpty());
        assertEquals(before, t.snapshot());
        assertEquals(1, t.bo(BO).handles());
        assertEquals(2, t.bo(BO).vmaRef());
    }

    @Test
    void selfImportIntoAnotherFileCreatesAHandle() {
        LedgerFixture t = displayDevice();
        t.legacyFile(2);
        t.boNew(LEGACY, BO, 0x1000);
        t.ok(new Event.DmabufExport(BO, 100, LEGACY));
        t.ok(new Event.DmabufImport(2, 100));
        assertEquals(2, t.bo(BO).handles());
        assertEquals(3, t.bo(BO).vmaRef());
        // the importing file now knows the dma-buf: a second import returns the same handle
        t.ok(new Event.DmabufImport(2, 100));
        assertEquals(2, t.bo(BO).handles());
        assertEquals(3, t.bo(BO).vmaRef());
        // and the handle is real: file 2 can close it
        t.ok(new Event.HandleClose(2, BO));
        assertEquals(1, t.bo(BO).handles());
        assertEquals(2, t.bo(BO).vmaRef());
    }

    @Test
    void noShareBoRefusesExportWithEperm() {
        // §3.1 MSM_BO_NO_SHARE; §4 increment 2: fails before incrementing.
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.ok(new Event.BoNew(1, BO, 0x1000, BoRecord.FLAG_NO_SHARE, null));
        LedgerFixture.Snapshot before = t.snapshot();
        t.error(new Event.DmabufExport(BO, 100, 1L), Errno.EPERM);
        assertEquals(before, t.snapshot());
        assertEquals(1, t.bo(BO).vmaRef());
    }

    @Test
    void dmabufReleaseDropsItsReference() {
        LedgerFixture t = displayDevice();
        t.boNew(LEGACY, BO, 0x1000);
        t.ok(new Event.DmabufExport(BO, 100, LEGACY));
        t.ok(new Event.HandleClose(LEGACY, BO));
        assertTrue(t.bo(BO).alive(), "the dma-buf holds the BO");
        Outcome rel = t.ok(new Event.DmabufRelease(100));
        assertEquals(List.of(Effect.Kind.BO_FREED), kinds(rel));
        assertEquals(0, t.bo(BO).vmaRef());
    }

    // ---- VM_BIND hard references, §2 / §3.7 ----

    @Test
    void vmBindBoStaysAliveThroughItsMappingAfterLastHandleCloses() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, BO, 0x4000);
        t.ok(bind(1, map(BO, 0, BASE, 0x4000)));
        Outcome close = t.ok(new Event.HandleClose(1, BO));
        assertFalse(kinds(close).contains(Effect.Kind.BO_FREED));
        assertTrue(t.bo(BO).alive());
        assertEquals(0, t.bo(BO).handles());
        assertEquals(1, t.vm(1).vas().size(), "VM_BIND: no implicit unmap on handle close (§3.2)");

        Outcome partial = t.ok(bind(1, unmap(BASE, PAGE)));
        assertFalse(kinds(partial).contains(Effect.Kind.BO_FREED), "the remainder still maps it");
        assertTrue(t.bo(BO).alive());

        Outcome last = t.ok(bind(1, unmap(BASE, 0x4000)));
        assertEquals(List.of(Effect.Kind.BO_FREED), kinds(last));
        assertFalse(t.bo(BO).alive());
    }

    @Test
    void overwritingTheLastMappingFreesTheBo() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, BO, 0x1000);
        t.ok(bind(1, map(BO, 0, BASE, PAGE)));
        t.ok(new Event.HandleClose(1, BO));
        Outcome o = t.ok(bind(1, LedgerFixture.mapNull(BASE, PAGE)));
        assertEquals(List.of(Effect.Kind.BO_FREED), kinds(o));
    }

    @Test
    void fileCloseOfVmBindContextFreesBosOnlyHeldThere() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.vmBindFile(2);
        long onlyHere = 7;
        long alsoHandleInF2 = 8;
        long alsoMappedInF2 = 9;
        t.boNew(1, onlyHere, 0x1000);
        t.boNew(1, alsoHandleInF2, 0x1000);
        t.boNew(1, alsoMappedInF2, 0x1000);
        t.ok(new Event.HandleOpen(2, alsoHandleInF2));
        t.ok(new Event.HandleOpen(2, alsoMappedInF2));
        t.ok(
                bind(
                        1,
                        map(onlyHere, 0, BASE, PAGE),
                        map(alsoHandleInF2, 0, BASE + PAGE, PAGE),
                        map(alsoMappedInF2, 0, BASE + 2 * PAGE, PAGE)));
        t.ok(bind(2, map(alsoMappedInF2, 0, BASE, PAGE)));
        t.ok(new Event.HandleClose(2, alsoMappedInF2));

        Outcome close = t.ok(new Event.FileClose(1));
        assertEquals(
                List.of(onlyHere),
                effectsOf(close, Effect.Kind.BO_FREED).stream().map(Effect::bo).toList());
        assertFalse(t.bo(onlyHere).alive());
        assertTrue(t.bo(alsoHandleInF2).alive());
        assertTrue(t.bo(alsoMappedInF2).alive());
        assertEquals(3, effectsOf(close, Effect.Kind.VMA_TORN_DOWN).size());
        assertEquals(1, effectsOf(close, Effect.Kind.VM_CLOSED).size());
        assertEquals(1, t.vm(2).vas().size(), "the other VM is untouched");
    }

    // ---- legacy contexts, §2 / §4 last paragraph ----

    @Test
    void legacyGetIovaMappingIsTornDownOnHandleClose() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(LEGACY);
        t.boNew(LEGACY, BO, 0x2000);
        Outcome get = t.ok(new Event.GetIova(LEGACY, BO, null));
        assertEquals(List.of(Effect.Kind.VMA_MAPPED), kinds(get));
        assertEquals(1, t.vm(LEGACY).vas().size());
        assertEquals(2, t.pt(LEGACY).ptes());

        Outcome close = t.ok(new Event.HandleClose(LEGACY, BO));
        List<Effect> torn = effectsOf(close, Effect.Kind.VMA_TORN_DOWN);
        assertEquals(1, torn.size());
        assertEquals("close", torn.get(0).reason());
        assertEquals(1, effectsOf(close, Effect.Kind.BO_FREED).size());
        assertTrue(t.vm(LEGACY).vas().isEmpty());
        assertEquals(0, t.pt(LEGACY).ptes());
    }

    @Test
    void legacyHandleCloseTearsDownOnlyTheClosingFilesVma() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.legacyFile(2);
        t.boNew(1, BO, 0x1000);
        t.ok(new Event.HandleOpen(2, BO));
        t.ok(new Event.GetIova(1, BO, null));
        t.ok(new Event.GetIova(2, BO, null));
        t.ok(new Event.HandleClose(1, BO));
        assertTrue(t.vm(1).vas().isEmpty());
        assertEquals(1, t.vm(2).vas().size());
        assertTrue(t.bo(BO).alive());
    }

    @Test
    void getIovaIsRejectedOnVmBindContext() {
        // §3.2: MSM_INFO_GET_IOVA/SET_IOVA are rejected in VM_BIND mode.
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, BO, 0x1000);
        t.error(new Event.GetIova(1, BO, null), Errno.EINVAL);
    }

    // ---- madvise / purge ----

    @Test
    void purgeUnmapsVmasButKeepsThem() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, BO, 0x4000);
        t.ok(bind(1, map(BO, 0, BASE, 0x4000)));
        t.ok(new Event.Madvise(BO, Madv.DONTNEED));
        List<Va> vas = t.vm(1).vas();
        Outcome purge = t.ok(new Event.Madvise(BO, Madv.PURGED));
        List<Effect> unmapped = effectsOf(purge, Effect.Kind.VMA_UNMAPPED);
        assertEquals(1, unmapped.size());
        assertEquals("purge", unmapped.get(0).reason());
        assertEquals(vas, t.vm(1).vas(), "VMA kept");
        assertEquals(0, t.pt(1).ptes(), "PTEs gone");
        assertEquals(Madv.PURGED, t.bo(BO).madv());
        assertTrue(t.bo(BO).alive());

        // purged is final
        t.ok(new Event.Madvise(BO, Madv.WILLNEED));
        assertEquals(Madv.PURGED, t.bo(BO).madv());

        // unmapping the purged VMA queues no page-table op (§3.5: only mapped VMAs are unmapped)
        Outcome un = t.ok(bind(1, unmap(BASE, 0x4000)));
        assertEquals(1, un.ops().get(0).steps().size());
        assertTrue(un.ops().get(0).pt().isEmpty());
        List<VmLogEntry> log = t.vm(1).log();
        assertEquals("purge", log.get(log.size() - 1).op());
    }

    @Test
    void aFileKnowsItsExportedDmabufUntilItsLastHandleOnTheBoCloses() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, BO, 0x1000);
        t.ok(new Event.HandleOpen(1, BO));
        t.ok(new Event.DmabufExport(BO, 5, 1L));
        t.ok(new Event.HandleClose(1, BO));
        t.ok(new Event.DmabufImport(1, 5));
        assertEquals(1, t.bo(BO).handles(), "PRIME returns the existing handle");
        t.ok(new Event.HandleClose(1, BO));
        t.ok(new Event.DmabufImport(1, 5));
        assertEquals(1, t.bo(BO).handles(), "the file forgot the dma-buf: a new handle");
    }

    @Test
    void purgeIsAnObservedFactEvenWithoutDontneed() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, BO, 0x1000);
        t.ok(new Event.Madvise(BO, Madv.PURGED));
        assertEquals(Madv.PURGED, t.bo(BO).madv());
        // a purged BO cannot be MAP'ed: its pages are gone (§3.3 step 14)
        t.error(bind(1, map(BO, 0, BASE, PAGE)), Errno.EBUSY);
    }

    @Test
    void exportedOrPinnedBosAreNeverPurged() {
        LedgerFixture t = new LedgerFixture();
        t.vmBindFile(1);
        t.boNew(1, BO, 0x1000);
        t.ok(new Event.Madvise(BO, Madv.DONTNEED));
        t.ok(new Event.DmabufExport(BO, 5, null));
        LedgerFixture.Snapshot before = t.snapshot();
        t.error(new Event.Madvise(BO, Madv.PURGED), Errno.EINVAL);
        assertEquals(before, t.snapshot());
    }

    // ---- vmap ----

    @Test
    void vmapCountsAndVunmapWithoutVmapIsEinval() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, BO, 0x1000);
        t.ok(new Event.Vmap(BO));
        t.ok(new Event.Vmap(BO));
        assertEquals(2, t.bo(BO).vmaps());
        t.ok(new Event.Vunmap(BO));
        t.ok(new Event.Vunmap(BO));
        assertEquals(0, t.bo(BO).vmaps());
        LedgerFixture.Snapshot before = t.snapshot();
        t.error(new Event.Vunmap(BO), Errno.EINVAL);
        assertEquals(before, t.snapshot());
    }

    @Test
    void vmapKeepsTheBoAlive() {
        LedgerFixture t = new LedgerFixture();
        t.legacyFile(1);
        t.boNew(1, BO, 0x1000);
        t.ok(new Event.Vmap(BO));
        t.ok(new Event.HandleClose(1, BO));
        assertTrue(t.bo(BO).alive());
        assertEquals(List.of(Effect.Kind.BO_FREED), kinds(t.ok(new Event.Vunmap(BO))));
    }
}
