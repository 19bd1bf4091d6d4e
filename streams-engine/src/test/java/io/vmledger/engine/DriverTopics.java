package io.vmledger.engine;

import io.vmledger.schema.topic.Topic;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * A TopologyTestDriver's input and output topics for topics of the catalogue, typed with their
 * serdes.
 */
public final class DriverTopics {
    private DriverTopics() {}

    /** Pipes records of {@code topic} into {@code driver}. */
    public static <K, V> TestInputTopic<K, V> input(TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createInputTopic(
                topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Reads the records {@code driver} wrote to {@code topic}. */
    public static <K, V> TestOutputTopic<K, V> output(
            TopologyTestDriver driver, Topic<K, V> topic) {
        return driver.createOutputTopic(
                topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }
}
