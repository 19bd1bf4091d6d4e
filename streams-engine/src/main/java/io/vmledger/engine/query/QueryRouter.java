package io.vmledger.engine.query;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vmledger.core.fold.FoldConfig;
import io.vmledger.core.gpuvm.Va;
import io.vmledger.core.query.DeviceQueries;
import io.vmledger.core.query.VaBuckets;
import io.vmledger.core.query.VmView;
import io.vmledger.core.state.BoRecord;
import io.vmledger.core.state.DeviceRecord;
import io.vmledger.engine.topology.EventBoundaries;
import io.vmledger.schema.json.EventTime;
import io.vmledger.schema.json.StateJson;
import io.vmledger.schema.topic.Topics;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Routes each query to the instance that owns the device: Kafka Streams' metadata (from every
 * instance's {@code application.server}) names the active host of the device's partition; this
 * instance answers from its own stores or forwards the request there and relays the answer. {@code
 * GET /devices} gathers every instance's local devices.
 *
 * <p>Routes: {@code /healthz}, {@code /metrics}, {@code /devices}, {@code /devices/{d}/vms}, {@code
 * /devices/{d}/vms/{vm}}, {@code /devices/{d}/vms/{vm}/vas?from=&to=}, {@code
 * /devices/{d}/vms/{vm}/lookup?iova=}, {@code /devices/{d}/bos/{bo}} (with {@code ?asOf=T}: the BO
 * as it was at event time T, from the BO history, to the millisecond), {@code
 * /devices/{d}/summary}; for the web UI: {@code /} and {@code /ui/*} (the static assets, {@link
 * WebUi}), {@code /alerts} and {@code /coredumps} ({@code ?device=}), {@code
 * /devices/{d}/overview}, {@code /devices/{d}/vms/{vm}/map?from=&to=&px=} (the VAs of a window
 * merged into at most about 2 px items, {@link VaBuckets}), {@code /devices/{d}/timeline} and
 * {@code /devices/{d}/bos/{bo}/history} (the ledger, read back from the topics), {@code
 * /devices/{d}/perfetto?from=&to=} (the device's ledger as a Perfetto trace, {@link DeviceTrace}).
 * With {@code ?seq=N} the overview, VM, VA, map, lookup and BO queries answer from the device's
 * state right after its ledger entry N ({@link TimeTravel}). Numbers are decimal or {@code 0x} hex
 * u64; times are microseconds since the epoch (decimal or {@code 0x} hex) or ISO-8601 with offset.
 * A parameter a path does not take is a 400.
 */
public final class QueryRouter {
    /** Marks a forwarded request, so that it is never forwarded twice. */
    static final String FORWARDED = "X-Vmledger-Forwarded";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final LocalQueries local;

    /**
     * How long a request forwarded to the owning instance may take (below the server's own
     * timeout).
     */
    static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Reads of a device query before it is answered 503 because events of the device (or of devices
     * sharing its stripe) kept being written while it read.
     */
    private static final int READ_TRIES = 200;

    /** Time a device query may spend reading again before it is answered 503. */
    private static final Duration READ_BUDGET = Duration.ofSeconds(5);

    private final PrometheusMeterRegistry metrics;
    private final FleetOutputs outputs;
    private final TimeTravel travel;
    private final DeviceTrace perfetto;

    /** The widest map one request draws, in buckets. */
    static final int MAX_PX = 8192;

    private final Supplier<FoldHealth> health;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param health whether the fold advances ({@code /healthz})
     * @param bootstrap the broker, to read the output topics back (alerts, coredumps, the past)
     * @param topics the engine's topics
     */
    public QueryRouter(
            KafkaStreams streams,
            HostInfo self,
            FoldConfig config,
            PrometheusMeterRegistry metrics,
            Supplier<FoldHealth> health,
            EventBoundaries boundaries,
            String bootstrap,
            Topics topics) {
        this.outputs = new FleetOutputs(bootstrap, topics);
        this.travel = new TimeTravel(bootstrap, topics, config);
        this.perfetto = new DeviceTrace(bootstrap, topics, config);
        this.streams = streams;
        this.self = self;
        this.local = new LocalQueries(streams, config, boundaries);
        this.metrics = metrics;
        this.health = health;
        Gauge.builder("vmledger_display_vma_unmaps_avoided", this, QueryRouter::unmapsAvoided)
                .description(
                        "fb_prepares of this instance's devices that reused a display VMA kept"
                                + " only by the lazy teardown (vma_ref): unmaps and TLB"
                                + " invalidations saved")
                .register(metrics);
    }

    /**
     * The saved display-VMA unmaps of the devices this instance holds active (their device
     * records), NaN while it cannot read its stores.
     */
    private double unmapsAvoided() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return Double.NaN;
        }
        try {
            long sum = 0;
            for (DeviceRecord d : local.devices().values()) {
                sum += d.displayUnmapsAvoided();
            }
            return sum;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Answers {@code GET path?query}; {@code forwarded} if another instance sent it here. */
    public HttpReply get(String path, String query, boolean forwarded) {
        try {
            List<String> segments;
            Map<String, String> params;
            try {
                segments = segments(path);
                params = params(query);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(400, "malformed URL: " + e.getMessage());
            }
            return route(segments, params, path, query, forwarded);
        } catch (BadRequest e) {
            return HttpReply.error(e.status(), e.getMessage());
        } catch (Unavailable e) {
            return HttpReply.error(503, e.getMessage());
        }
    }

    private HttpReply route(
            List<String> s,
            Map<String, String> params,
            String path,
            String query,
            boolean forwarded) {
        if (s.size() == 1 && s.get(0).equals("healthz")) {
            accept(params);
            return health();
        }
        if (WebUi.serves(path)) {
            accept(params);
            return WebUi.asset(path);
        }
        if (s.size() == 1 && (s.get(0).equals("alerts") || s.get(0).equals("coredumps"))) {
            accept(params, "device");
            String d = params.get("device");
            return HttpReply.json(
                    s.get(0).equals("alerts") ? outputs.alerts(d) : outputs.coredumps(d));
        }
        if (s.size() == 1 && s.get(0).equals("metrics")) {
            accept(params);
            return new HttpReply(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        }
        if (s.isEmpty() || !s.get(0).equals("devices")) {
            throw new BadRequest(404, "no such path: " + path);
        }
        if (s.size() == 1) {
            accept(params, "scope");
            String scope = params.get("scope");
            if (scope != null && !scope.equals("local")) {
                throw new BadRequest(400, "scope must be 'local', got '" + scope + "'");
            }
            requireRunning();
            return HttpReply.json(
                    DevicesJson.format(scope != null ? local.devices() : allDevices()));
        }
        requireRunning();
        String device = s.get(1);
        KeyQueryMetadata md = local.owner(device);
        if (md == null) {
            throw new Unavailable("rebalancing: no instance owns device '" + device + "' yet");
        }
        if (!md.activeHost().equals(self)) {
            if (forwarded) {
                throw new Unavailable(
                        "rebalancing: ownership of device '" + device + "' is moving");
            }
            return forward(md.activeHost(), path, query);
        }
        List<String> rest = s.subList(2, s.size());
        Supplier<HttpReply> read = () -> deviceQuery(device, md.partition(), rest, params, path);
        if (readsHistory(rest, params)) {
            requireServed(device, md.partition());
            return read.get();
        }
        return consistently(device, md.partition(), read);
    }

    /**
     * Whether a device query reads the device's history from the output topics (a past state, the
     * timeline, a BO's history) rather than its live stores: nothing the fold writes now can tear
     * it, and rebuilding a past state again on every event the fold applies meanwhile would never
     * end on a busy device.
     */
    private static boolean readsHistory(List<String> s, Map<String, String> params) {
        return params.containsKey("seq")
                || (s.size() == 1 && (s.get(0).equals("timeline") || s.get(0).equals("perfetto")))
                || (s.size() == 3 && s.get(0).equals("bos") && s.get(2).equals("history"));
    }

    private HttpReply deviceQuery(
            String device, int partition, List<String> s, Map<String, String> params, String path) {
        if (s.size() == 1 && s.get(0).equals("timeline")) {
            accept(params);
            local.device(device, partition);
            return HttpReply.json(travel.timeline(device));
        }
        if (s.size() == 1 && s.get(0).equals("perfetto")) {
            accept(params, "from", "to");
            local.device(device, partition);
            long from = params.containsKey("from") ? micros("from", params.get("from")) : 0;
            long to = params.containsKey("to") ? micros("to", params.get("to")) : Long.MAX_VALUE;
            if (to <= from) {
                throw new BadRequest(400, "to must be after from");
            }
            return perfetto.of(device, from, to);
        }
        if (s.size() == 3 && s.get(0).equals("bos") && s.get(2).equals("history")) {
            accept(params);
            local.device(device, partition);
            return HttpReply.json(travel.boHistory(device, u64("bo", s.get(1))));
        }
        Long seq = params.containsKey("seq") ? u64("seq", params.get("seq")) : null;
        DeviceQueries q = seq == null ? local.device(device, partition) : pastState(device, seq);
        if (s.size() == 1 && s.get(0).equals("overview")) {
            accept(params, "seq");
            return HttpReply.json(MapJson.overview(device, q, seq));
        }
        if (s.size() == 1 && s.get(0).equals("vms")) {
            accept(params, "seq");
            return HttpReply.json(LocalQueries.vms(device, q.vmsWithoutVas()));
        }
        if (s.size() == 1 && s.get(0).equals("summary")) {
            accept(params, "seq");
            return HttpReply.json(LocalQueries.summary(device, q.device(), q.summary()));
        }
        if (s.size() == 2 && s.get(0).equals("bos")) {
            accept(params, "asOf", "seq");
            String asOf = params.get("asOf");
            if (asOf != null && seq != null) {
                throw new BadRequest(400, "give asOf or seq, not both");
            }
            BoRecord bo =
                    asOf == null
                            ? q.bo(u64("bo", s.get(1)))
                            : local.boAsOf(
                                    device, partition, u64("bo", s.get(1)), time("asOf", asOf));
            if (bo == null) {
                throw new BadRequest(
                        404,
                        "no BO "
                                + s.get(1)
                                + " on device '"
                                + device
                                + "'"
                                + (asOf == null ? "" : " as of " + asOf));
            }
            return HttpReply.json(StateJson.bo(device, bo));
        }
        if (s.size() >= 2 && s.get(0).equals("vms")) {
            long vm = u64("vm", s.get(1));
            VmView view = q.vmWithoutVas(vm);
            if (view == null) {
                throw new BadRequest(404, "no VM " + s.get(1) + " on device '" + device + "'");
            }
            if (s.size() == 2) {
                accept(params, "seq");
                return HttpReply.json(StateJson.vm(device, view, false));
            }
            if (s.size() == 3 && s.get(2).equals("map")) {
                accept(params, "from", "to", "px", "seq");
                long from =
                        params.containsKey("from")
                                ? u64("from", params.get("from"))
                                : view.vm().window().start();
                long to =
                        params.containsKey("to")
                                ? u64("to", params.get("to"))
                                : view.vm().window().start() + view.vm().window().size() - 1;
                if (Long.compareUnsigned(from, to) > 0) {
                    throw new BadRequest(400, "from must not be above to");
                }
                long px = params.containsKey("px") ? u64("px", params.get("px")) : 1024;
                if (px < 1 || px > MAX_PX) {
                    throw new BadRequest(400, "px must be 1 to " + MAX_PX + ", got " + px);
                }
                List<VaBuckets.Item> items = VaBuckets.of(q.vas(vm, from, to), from, to, (int) px);
                return HttpReply.json(MapJson.map(device, view, seq, from, to, (int) px, items));
            }
            if (s.size() == 3 && s.get(2).equals("vas")) {
                accept(params, "from", "to", "seq");
                long from = params.containsKey("from") ? u64("from", params.get("from")) : 0;
                long to = params.containsKey("to") ? u64("to", params.get("to")) : -1L;
                if (Long.compareUnsigned(from, to) > 0) {
                    throw new BadRequest(400, "from must not be above to");
                }
                List<Va> vas = q.vas(vm, from, to);
                return HttpReply.json(LocalQueries.vas(device, vm, from, to, vas));
            }
            if (s.size() == 3 && s.get(2).equals("lookup")) {
                accept(params, "iova", "seq");
                String iova = params.get("iova");
                if (iova == null) {
                    throw new BadRequest(400, "missing parameter iova");
                }
                long at = u64("iova", iova);
                return HttpReply.json(LocalQueries.lookup(device, vm, at, q.lookup(vm, at)));
            }
        }
        throw new BadRequest(404, "no such path: " + path);
    }

    /** The device's state after its ledger entry {@code seq}, or a 404. */
    private DeviceQueries pastState(String device, long seq) {
        DeviceQueries q = travel.stateAt(device, seq);
        if (q == null) {
            throw new BadRequest(
                    404,
                    "device '" + device + "' had no event by seq " + Long.toUnsignedString(seq));
        }
        return q;
    }

    /**
     * Runs a device query until what it read is the device's state at one event boundary ({@link
     * EventBoundaries}): the stream thread writes an event's changes key by key, so a query that
     * read while they were written (a summary with one event's {@code last_seq} and the next one's
     * resident bytes, a VA whose record was just removed) reads again, whatever it got, answer or
     * failure. A partition not (or no longer) folded here, restoring or moving, is a 503, never a
     * 404 for a device that exists. Each read again waits a little ({@link #pause}); after {@link
     * #READ_TRIES} torn reads in a row, or {@link #READ_BUDGET}, or when the query server cancels
     * the query, 503.
     */
    private HttpReply consistently(String device, int partition, Supplier<HttpReply> query) {
        EventBoundaries boundaries = local.boundaries();
        RuntimeException last = null;
        long deadline = System.nanoTime() + READ_BUDGET.toNanos();
        for (int i = 0; i < READ_TRIES && System.nanoTime() - deadline < 0; i++) {
            if (Thread.interrupted()) {
                // the query server gave up on this query (its timeout): stop reading
                throw new Unavailable("the query was cancelled while the device kept changing");
            }
            requireServed(device, partition);
            EventBoundaries.Stamp stamp = boundaries.stamp(device, partition);
            if (stamp == null) {
                pause(i);
                continue;
            }
            HttpReply reply;
            try {
                reply = query.get();
            } catch (RuntimeException e) {
                if (boundaries.unchanged(stamp)) {
                    throw e;
                }
                last = e;
                pause(i);
                continue;
            }
            if (boundaries.unchanged(stamp)) {
                return reply;
            }
            pause(i);
        }
        throw new Unavailable(
                "the device's state changed during every read"
                        + (last == null ? "" : " (" + last.getClass().getSimpleName() + ")")
                        + "; try again");
    }

    /**
     * A 503 unless the fold of {@code partition} runs here: a partition restoring or moving has
     * stores that may not hold a device that exists, and must not answer 404 for it.
     */
    private void requireServed(String device, int partition) {
        if (!local.boundaries().serves(partition)) {
            throw new Unavailable(
                    "partition "
                            + partition
                            + " of device '"
                            + device
                            + "' is restoring or moving on this instance; try again");
        }
    }

    /** Waits a little before read {@code i + 1}: spins first, then sleeps a millisecond. */
    private static void pause(int i) {
        if (i < 10) {
            Thread.onSpinWait();
            return;
        }
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }

    private HttpReply health() {
        KafkaStreams.State state = streams.state();
        FoldHealth fold = health.get();
        boolean starting =
                state == KafkaStreams.State.CREATED || state == KafkaStreams.State.REBALANCING;
        String status =
                starting
                        ? "rebalancing"
                        : state != KafkaStreams.State.RUNNING
                                ? "unavailable"
                                : fold.stalled() ? "stalled" : "ok";
        String body =
                "{\"status\":\""
                        + status
                        + "\",\"state\":\""
                        + state
                        + "\",\"lag\":"
                        + fold.lag()
                        + ",\"last_progress_age_s\":"
                        + Math.round(fold.lastProgressAgeSeconds() * 10) / 10.0
                        + "}";
        // a rebalance or a restore is the engine at work, not a reason to restart it
        boolean healthy = status.equals("ok") || status.equals("rebalancing");
        return new HttpReply(healthy ? 200 : 503, HttpReply.JSON, body);
    }

    /**
     * Refuses a query parameter the path does not take (a misspelt {@code asof} would otherwise be
     * ignored).
     */
    private static void accept(Map<String, String> params, String... known) {
        for (String name : params.keySet()) {
            if (!List.of(known).contains(name)) {
                throw new BadRequest(
                        400,
                        "unknown parameter '"
                                + name
                                + "'"
                                + (known.length == 0
                                        ? ": this path takes none"
                                        : ": this path takes " + String.join(", ", known)));
            }
        }
    }

    private void requireRunning() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.REBALANCING) {
            throw new Unavailable("rebalancing: try again shortly");
        }
        if (state != KafkaStreams.State.RUNNING) {
            throw new Unavailable("engine is " + state);
        }
    }

    private Map<String, DeviceRecord> allDevices() {
        Map<String, DeviceRecord> out = new TreeMap<>(local.devices());
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            if (m.hostInfo().equals(self)) {
                continue;
            }
            HttpReply r = forward(m.hostInfo(), "/devices", "scope=local");
            if (r.status() != 200) {
                throw new Unavailable(
                        "instance "
                                + m.hostInfo().host()
                                + ":"
                                + m.hostInfo().port()
                                + " answered "
                                + r.status());
            }
            out.putAll(DevicesJson.parse(r.body()));
        }
        return out;
    }

    private HttpReply forward(HostInfo host, String path, String query) {
        URI uri =
                URI.create(
                        "http://"
                                + host.host()
                                + ":"
                                + host.port()
                                + path
                                + (query == null ? "" : "?" + query));
        HttpRequest req =
                HttpRequest.newBuilder(uri)
                        .timeout(FORWARD_TIMEOUT)
                        .header(FORWARDED, "1")
                        .GET()
                        .build();
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            return new HttpReply(
                    r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(HttpReply.JSON),
                    r.body());
        } catch (IOException e) {
            throw new Unavailable(
                    "owner instance "
                            + host.host()
                            + ":"
                            + host.port()
                            + " unreachable (if it stopped, its partitions move to another"
                            + " instance when its group session ends): "
                            + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }

    /**
     * {@code e} in one line: each exception of its cause chain with its message, so that a failure
     * without a message (a refused connection, a connect timeout) still names what happened.
     */
    static String describe(Throwable e) {
        StringBuilder b = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 4; t = t.getCause(), depth++) {
            if (depth > 0) {
                b.append(" <- ");
            }
            b.append(t.getClass().getSimpleName());
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                b.append(": ").append(t.getMessage());
            } else if (t instanceof java.net.ConnectException) {
                b.append(": connection refused");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return b.toString();
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                out.add(URLDecoder.decode(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> params(String query) {
        Map<String, String> out = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            out.put(
                    k,
                    eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** A time parameter: microseconds since the epoch or ISO-8601 with offset. */
    static Instant time(String name, String text) {
        return Instant.EPOCH.plus(micros(name, text), ChronoUnit.MICROS);
    }

    /** A time parameter in microseconds since the epoch (given as such or as ISO-8601). */
    static long micros(String name, String text) {
        try {
            return EventTime.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(400, name + ": " + e.getMessage());
        }
    }

    /** A u64 parameter, decimal or 0x hex. */
    static long u64(String name, String text) {
        try {
            if (text.startsWith("0x") || text.startsWith("0X")) {
                return Long.parseUnsignedLong(text.substring(2), 16);
            }
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new BadRequest(
                    400, name + " must be a u64 (decimal or 0x hex), got '" + text + "'");
        }
    }
}
