package io.vmledger.cli;

import io.vmledger.schema.topic.Topic;
import io.vmledger.schema.topic.Topics;
import io.vmledger.tools.kafka.TopicReader;
import picocli.CommandLine.Option;

/**
 * Where the engine's topics are, as options of the commands that read or write them (a picocli
 * mixin): the bootstrap servers, by default the embedded broker of {@code vmledger engine} or
 * {@code vmledger demo}, and the topic prefix.
 */
final class KafkaOptions {
    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:9092",
            description =
                    "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, the embedded broker of 'vmledger engine'"
                            + " or 'vmledger demo').")
    String bootstrap;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = Topics.PREFIX,
            description =
                    "Topic names are PREFIX + events, ledger, coredumps, alerts, ... (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    /** The topics (with {@code partitions} for topics a command may create). */
    Topics topics(int partitions) {
        return Topics.prefixed(topicPrefix, partitions, (short) 1);
    }

    /**
     * A reader of {@code topic}: of the partition holding {@code device}, or of every partition
     * when it is null.
     */
    <K, V> TopicReader<K, V> reader(Topic<K, V> topic, String device) {
        return device == null
                ? TopicReader.all(bootstrap, topic)
                : TopicReader.partitionOf(bootstrap, topic, device);
    }
}
