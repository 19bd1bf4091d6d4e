package io.vmledger.engine.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The engine's HTTP query server (the JDK's built-in server, GET only). It is bound before the
 * Kafka Streams instance starts, so its real port can be announced as {@code application.server};
 * requests are answered by a {@link QueryRouter} once one is attached, 503 before.
 */
public final class QueryServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService workers;
    private volatile QueryRouter router;

    private QueryServer(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public static QueryServer start(String host, int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "vmledger-http");
            t.setDaemon(true);
            return t;
        });
        QueryServer q = new QueryServer(server, workers);
        server.setExecutor(workers);
        server.createContext("/", q::handle);
        server.start();
        return q;
    }

    /** The address to announce as {@code application.server}. */
    public HostInfo hostInfo() {
        InetSocketAddress a = server.getAddress();
        return new HostInfo(a.getHostString(), a.getPort());
    }

    /** Starts answering with {@code router}. */
    public void attach(QueryRouter router) {
        this.router = router;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            HttpReply reply = reply(ex, () -> {
                QueryRouter r = router;
                if (r == null) {
                    return HttpReply.error(503, "engine is starting");
                }
                return r.get(ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery(),
                        ex.getRequestHeaders().containsKey(QueryRouter.FORWARDED));
            });
            byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", reply.contentType());
            ex.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static HttpReply reply(HttpExchange ex, Supplier<HttpReply> answer) {
        if (!"GET".equals(ex.getRequestMethod())) {
            return HttpReply.error(405, "only GET is supported");
        }
        try {
            return answer.get();
        } catch (RuntimeException e) {
            return HttpReply.error(500, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
