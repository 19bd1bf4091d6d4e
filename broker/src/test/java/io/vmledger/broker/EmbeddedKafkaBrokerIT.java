package io.vmledger.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {
    @TempDir Path dir;

    @Test
    void recordsSurviveARestartOnTheSameDataDir() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            try (Admin admin =
                    Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 1, (short) 1))).all().get();
            }
            Properties p = new Properties();
            p.put("bootstrap.servers", broker.bootstrapServers());
            p.put("transactional.id", "tx-test");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("t", "k", "v1"));
                producer.commitTransaction();
            }
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            Properties c = new Properties();
            c.put("bootstrap.servers", broker.bootstrapServers());
            c.put("group.id", "g");
            c.put("auto.offset.reset", "earliest");
            c.put("isolation.level", "read_committed");
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("t"));
                String value = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (value == null && System.nanoTime() < deadline) {
                    ConsumerRecords<String, String> rs = consumer.poll(Duration.ofMillis(200));
                    if (!rs.isEmpty()) {
                        value = rs.iterator().next().value();
                    }
                }
                assertEquals("v1", value);
            }
        }
    }
}
