package io.vmledger.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** Settings given as Kafka Streams overrides ({@code -X}) are the engine's, not overwritten. */
class EngineConfigTest {
    private final HostInfo bound = new HostInfo("0.0.0.0", 8080);

    @Test
    void anApplicationIdOverrideIsTheEnginesApplicationId() {
        EngineConfig c =
                EngineConfig.defaults("k:9092", Path.of("s"))
                        .withOverrides(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "other-app"));
        assertEquals("other-app", c.applicationId());
        Properties p = VmledgerEngine.properties(c, bound);
        assertEquals("other-app", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    @Test
    void theAdvertisedAddressIsTheApplicationServerOverrideElseTheBoundOne() {
        EngineConfig plain = EngineConfig.defaults("k:9092", Path.of("s"));
        assertEquals(bound, plain.advertised(bound));
        assertEquals(
                "0.0.0.0:8080",
                VmledgerEngine.properties(plain, bound)
                        .get(StreamsConfig.APPLICATION_SERVER_CONFIG));
        EngineConfig named =
                plain.withOverrides(
                        Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, "engine-1:8080"));
        assertEquals(new HostInfo("engine-1", 8080), named.advertised(bound));
        assertEquals(
                "engine-1:8080",
                VmledgerEngine.properties(named, bound)
                        .get(StreamsConfig.APPLICATION_SERVER_CONFIG));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        plain.withOverrides(
                                Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, "engine-1")));
    }
}
