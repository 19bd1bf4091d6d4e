package io.vmledger.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vmledger.core.event.Event;
import io.vmledger.core.event.VmBindOp;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.fold.Outcome;
import io.vmledger.core.fold.PtOp;
import io.vmledger.core.fold.Status;
import io.vmledger.core.gpuvm.GpuvmSplit;
import io.vmledger.core.gpuvm.SplitStep;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.ledger.InMemoryLedger;
import io.vmledger.core.query.VmView;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every line of the shared {@code gpuvm-vectors.jsonl}: gpuvm steps and the msm block. */
class GpuvmVectorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Long> BO_IDS = Map.of("a", 1L, "b", 2L, "c", 3L);

    static Stream<JsonNode> vectors() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(SpecFiles.spec("gpuvm-vectors.jsonl"))) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("vectors")
    void pureGpuvmSplitMatches(JsonNode v) {
        List<Va> existing = new ArrayList<>();
        v.get("existing").forEach(n -> existing.add(va(n)));
        JsonNode req = v.get("request");
        long addr = req.get("addr").asLong();
        long range = req.get("range").asLong();
        List<Va> overlapping =
                existing.stream().filter(x -> x.addr() < addr + range && x.end() > addr).toList();
        List<SplitStep> steps =
                "map".equals(req.get("op").asText())
                        ? GpuvmSplit.smMap(overlapping, va(req))
                        : GpuvmSplit.smUnmap(overlapping, addr, range);
        assertEquals(text(v.get("expect_steps")), stepsText(steps), v.get("name").asText());
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("vectors")
    void msmVmBindMatches(JsonNode v) {
        String name = v.get("name").asText();
        InMemoryLedger ledger = new InMemoryLedger(FoldConfig.DEFAULT);
        long[] seq = {0};
        apply(ledger, seq, new Event.FileOpen(1, true, 0x100000000L, 0xffff00000000L, true));
        apply(ledger, seq, new Event.SubmitqueueNew(1, 1, true));
        v.get("objects")
                .properties()
                .forEach(
                        o ->
                                apply(
                                        ledger,
                                        seq,
                                        new Event.BoNew(
                                                1,
                                                BO_IDS.get(o.getKey()),
                                                o.getValue().get("size").asLong(),
                                                0,
                                                o.getKey())));
        for (JsonNode n : v.get("existing")) {
            Va x = va(n);
            boolean dump = n.path("dump").asBoolean(false);
            apply(
                    ledger,
                    seq,
                    bind(
                            x.isNull() ? VmBindOp.MAP_NULL : VmBindOp.MAP,
                            x.bo(),
                            x.offset(),
                            x.addr(),
                            x.range(),
                            dump));
        }
        JsonNode req = v.get("request");
        JsonNode msm = v.get("msm");
        String bindOp = msm.get("bind_op").asText();
        long code =
                switch (bindOp) {
                    case "MAP" -> VmBindOp.MAP;
                    case "MAP_NULL" -> VmBindOp.MAP_NULL;
                    default -> VmBindOp.UNMAP;
                };
        Long bo = req.hasNonNull("obj") ? BO_IDS.get(req.get("obj").asText()) : null;
        Outcome out =
                apply(
                        ledger,
                        seq,
                        bind(
                                code,
                                bo,
                                req.path("offset").asLong(0),
                                req.get("addr").asLong(),
                                req.get("range").asLong(),
                                req.path("dump").asBoolean(false)));

        assertEquals(
                text(v.get("expect_steps")), stepsText(out.ops().get(0).steps()), name + " steps");
        assertEquals(
                text(msm.get("expect_vm_ops")), ptText(out.ops().get(0).pt()), name + " pt ops");
        assertEquals(
                msm.get("expect_prealloc_pages").asLong(), out.preallocPages(), name + " prealloc");
        VmView vm = ledger.devices().get("d").vms().get(0);
        boolean withDump = msm.get("expect_after").toString().contains("dump");
        assertEquals(
                vasText(msm.get("expect_after"), withDump),
                vasText(vm.vas(), withDump),
                name + " msm after");
        assertEquals(
                vasText(v.get("expect_after"), false),
                vasText(vm.vas(), false),
                name + " gpuvm after");
    }

    private static Event.VmBind bind(
            long op, Long bo, long offset, long iova, long range, boolean dump) {
        return new Event.VmBind(
                1,
                1,
                0,
                List.of(new VmBindOp(op, bo, offset, iova, range, dump ? VmBindOp.FLAG_DUMP : 0)));
    }

    private static Outcome apply(InMemoryLedger ledger, long[] seq, Event e) {
        Outcome o = ledger.apply("d", ++seq[0], null, e).outcome();
        assertEquals(Status.OK, o.status(), () -> e + " -> " + o);
        return o;
    }

    private static Va va(JsonNode n) {
        Long bo = n.hasNonNull("obj") ? BO_IDS.get(n.get("obj").asText()) : null;
        return new Va(
                n.get("addr").asLong(),
                n.get("range").asLong(),
                bo,
                n.path("offset").asLong(0),
                n.path("dump").asBoolean(false));
    }

    // Canonical text forms: a mismatch shows both sides readably.

    private static String vaText(Va va) {
        String obj =
                va == null ? "" : va.bo() == null ? "null" : "abc".charAt((int) (va.bo() - 1)) + "";
        return va == null
                ? "null"
                : "["
                        + Long.toHexString(va.addr())
                        + "+"
                        + Long.toHexString(va.range())
                        + " "
                        + obj
                        + "@"
                        + Long.toHexString(va.offset())
                        + "]";
    }

    private static String vaText(JsonNode n) {
        return n == null || n.isNull() ? "null" : vaText(va(n));
    }

    private static String stepsText(List<SplitStep> steps) {
        StringBuilder sb = new StringBuilder();
        for (SplitStep s : steps) {
            if (s instanceof SplitStep.Map m) {
                sb.append("map ").append(vaText(m.va()));
            } else if (s instanceof SplitStep.Unmap u) {
                sb.append("unmap ").append(vaText(u.va())).append(" keep=").append(u.keep());
            } else if (s instanceof SplitStep.Remap r) {
                sb.append("remap ")
                        .append(vaText(r.unmap()))
                        .append(" keep=")
                        .append(r.keep())
                        .append(" prev=")
                        .append(vaText(r.prev()))
                        .append(" next=")
                        .append(vaText(r.next()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String text(JsonNode expectSteps) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode s : expectSteps) {
            switch (s.path("step").asText("pt")) {
                case "map" -> sb.append("map ").append(vaText(s.get("va")));
                case "unmap" ->
                        sb.append("unmap ")
                                .append(vaText(s.get("va")))
                                .append(" keep=")
                                .append(s.get("keep").asBoolean());
                case "remap" ->
                        sb.append("remap ")
                                .append(vaText(s.get("unmap")))
                                .append(" keep=")
                                .append(s.get("keep").asBoolean())
                                .append(" prev=")
                                .append(vaText(s.get("prev")))
                                .append(" next=")
                                .append(vaText(s.get("next")));
                default ->
                        sb.append(s.get("op").asText())
                                .append(' ')
                                .append(Long.toHexString(s.get("iova").asLong()))
                                .append('+')
                                .append(Long.toHexString(s.get("range").asLong()))
                                .append(
                                        s.has("obj")
                                                ? " "
                                                        + vaObj(s.get("obj"))
                                                        + "@"
                                                        + Long.toHexString(s.get("offset").asLong())
                                                : "");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String vaObj(JsonNode obj) {
        return obj.isNull() ? "null" : obj.asText();
    }

    private static String ptText(List<PtOp> pt) {
        StringBuilder sb = new StringBuilder();
        for (PtOp p : pt) {
            sb.append(p.map() ? "map" : "unmap")
                    .append(' ')
                    .append(Long.toHexString(p.iova()))
                    .append('+')
                    .append(Long.toHexString(p.range()));
            if (p.map()) {
                sb.append(' ')
                        .append(p.bo() == null ? "null" : "abc".charAt((int) (p.bo() - 1)) + "")
                        .append('@')
                        .append(Long.toHexString(p.offset()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String vasText(JsonNode list, boolean withDump) {
        List<Va> vas = new ArrayList<>();
        list.forEach(n -> vas.add(va(n)));
        return vasText(vas, withDump);
    }

    private static String vasText(List<Va> vas, boolean withDump) {
        StringBuilder sb = new StringBuilder();
        for (Va va : vas) {
            sb.append(vaText(va)).append(withDump ? " dump=" + va.dump() : "").append('\n');
        }
        return sb.toString();
    }
}
