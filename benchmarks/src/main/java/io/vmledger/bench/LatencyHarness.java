package io.vmledger.bench;

import io.vmledger.broker.EmbeddedKafkaBroker;
import io.vmledger.engine.EngineConfig;
import io.vmledger.engine.VmledgerEngine;
import io.vmledger.producer.kafka.EventPublisher;
import io.vmledger.producer.sim.FleetSim;
import io.vmledger.producer.sim.SimConfig;
import io.vmledger.schema.VmEvent;
import io.vmledger.schema.json.TraceJson;
import io.vmledger.schema.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Produce → queryable latency: on one embedded broker, the engine folds a simulated fleet paced at
 * a steady rate while, every {@link #PROBE_EVERY_MS} ms, a probe device creates a new BO; the
 * latency of a probe is the time from handing its event to the producer until {@code GET
 * /devices/probe/bos/{bo}} first answers 200. Prints p50, p99 and max.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.vmledger.bench.LatencyHarness
 * [events/s] [seconds]} (2,000 events/s for 120 s by default).
 */
public final class LatencyHarness {
    private static final long PROBE_EVERY_MS = 50;
    private static final String PROBE = "probe";

    private LatencyHarness() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.apache.avro.SERIALIZABLE_PACKAGES", "io.vmledger.schema");
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 2000;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 120;
        Path work = Files.createTempDirectory("vmledger-latency");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(work.resolve("broker"), 0)) {
            EngineConfig config =
                    EngineConfig.defaults(broker.bootstrapServers(), work.resolve("state"))
                            .withHttp("127.0.0.1", 0);
            Topics topics = config.topics();
            try (VmledgerEngine engine = VmledgerEngine.start(config);
                    EventPublisher publisher =
                            new EventPublisher(
                                    broker.bootstrapServers(), topics.events(), Map.of())) {
                if (!engine.awaitRunning(Duration.ofMinutes(2))) {
                    throw new IllegalStateException("engine did not start");
                }
                HttpClient http = HttpClient.newHttpClient();
                String base =
                        "http://"
                                + engine.http().host()
                                + ":"
                                + engine.http().port()
                                + "/devices/"
                                + PROBE
                                + "/bos/";
                publisher.send(
                        TraceJson.parse(
                                "{\"device\":\""
                                        + PROBE
                                        + "\",\"seq\":1,\"type\":\"file_open\",\"file\":1}"));
                FleetSim fleet =
                        new FleetSim(new SimConfig(20, 0, 0, 1, SimConfig.DEFAULT_START, 0.05, 0));
                long[] latencies = new long[(int) (seconds * 1000 / PROBE_EVERY_MS)];
                int probes = 0;
                long start = System.nanoTime();
                long sent = 0;
                long nextProbe = start;
                long end = start + seconds * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    long due = start + (long) (sent * 1e9 / rate);
                    long now = System.nanoTime();
                    if (now >= nextProbe && probes < latencies.length) {
                        latencies[probes] = probe(publisher, http, base, probes + 1);
                        probes++;
                        nextProbe += PROBE_EVERY_MS * 1_000_000L;
                        continue;
                    }
                    if (now < due) {
                        Thread.sleep(
                                Math.max(
                                        0,
                                        Math.min(
                                                (due - now) / 1_000_000,
                                                (nextProbe - now) / 1_000_000)));
                        continue;
                    }
                    publisher.send(fleet.next().event());
                    sent++;
                }
                long[] l = Arrays.copyOf(latencies, probes);
                Arrays.sort(l);
                System.out.printf(
                        Locale.ROOT,
                        "%.0f events/s for %d s (%,d fleet events, %d probes):"
                                + " produce -> queryable p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        sent / (double) seconds,
                        seconds,
                        sent,
                        probes,
                        l[l.length / 2] / 1e6,
                        l[(int) (l.length * 0.99)] / 1e6,
                        l[l.length - 1] / 1e6);
            }
        }
    }

    /** Sends a probe BO and waits until the engine answers for it; the time that took, in ns. */
    private static long probe(EventPublisher publisher, HttpClient http, String base, long bo)
            throws Exception {
        VmEvent e =
                TraceJson.parse(
                        "{\"device\":\""
                                + PROBE
                                + "\",\"seq\":"
                                + (bo + 1)
                                + ",\"type\":\"bo_new\",\"file\":1,"
                                + "\"bo\":"
                                + bo
                                + ",\"size\":4096}");
        long t0 = System.nanoTime();
        publisher.send(e);
        publisher.flush();
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + bo)).GET().build();
        while (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
            Thread.onSpinWait();
        }
        return System.nanoTime() - t0;
    }
}
