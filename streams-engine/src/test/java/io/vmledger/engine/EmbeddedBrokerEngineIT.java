package io.vmledger.engine;

import io.vmledger.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link EngineContract} on the embedded single-node KRaft broker (runs everywhere). */
class EmbeddedBrokerEngineIT extends EngineContract {
    private static Path brokerDir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        brokerDir = Files.createTempDirectory("vmledger-broker");
        broker = EmbeddedKafkaBroker.start(brokerDir, 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Override
    String bootstrap() {
        return broker.bootstrapServers();
    }
}
