package io.vmledger.engine;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * {@link EngineContract} on an {@code apache/kafka} broker from Testcontainers; skipped without
 * Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerEngineIT extends EngineContract {
    @Container private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @Override
    String bootstrap() {
        return KAFKA.getBootstrapServers();
    }
}
