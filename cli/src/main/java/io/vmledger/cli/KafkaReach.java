package io.vmledger.cli;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Checks that Kafka answers before a command starts work, so an unreachable broker is one clear error, not endless retries. */
final class KafkaReach {
    private static final int TIMEOUT_SECONDS = 15;

    private KafkaReach() {
    }

    /** Null if {@code bootstrap} answers, else why not. */
    static String problem(String bootstrap) {
        Map<String, Object> p = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (TimeoutException | ExecutionException e) {
            return "no Kafka broker answers at " + bootstrap + " (waited " + TIMEOUT_SECONDS + " s)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            return "bad bootstrap servers '" + bootstrap + "': " + e.getMessage();
        }
    }
}
