package io.vmledger.cli;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Checks that Kafka answers before a command starts work, so an unreachable broker is one clear
 * error, not endless retries.
 */
final class KafkaReach {
    private static final int TIMEOUT_SECONDS = 15;

    private KafkaReach() {}

    /**
     * Null if {@code bootstrap} answers, else why not (a host that does not resolve is told at
     * once).
     */
    static String problem(String bootstrap) {
        String unresolved = unresolvable(bootstrap);
        if (unresolved != null) {
            return unresolved;
        }
        Map<String, Object> p =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        TIMEOUT_SECONDS * 1000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        TIMEOUT_SECONDS * 1000);
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (TimeoutException | ExecutionException e) {
            return "no Kafka broker answers at "
                    + bootstrap
                    + " (waited "
                    + TIMEOUT_SECONDS
                    + " s)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            return "bad bootstrap servers '" + bootstrap + "': " + e.getMessage();
        }
    }

    /**
     * Why a host of the {@code HOST:PORT,...} list does not resolve, or null when each does (or the
     * list is not one).
     */
    private static String unresolvable(String bootstrap) {
        for (String server : bootstrap.split(",")) {
            int colon = server.lastIndexOf(':');
            String host = server.substring(0, Math.max(colon, 0)).strip().replaceAll("^\\[|]$", "");
            String problem = host.isEmpty() ? null : Addresses.unresolvable(host);
            if (problem != null) {
                return "--bootstrap " + bootstrap + ": " + problem;
            }
        }
        return null;
    }
}
