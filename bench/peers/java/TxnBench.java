// The Java client's side of `npm run bench -- txn` (bench/txn.ts): a transactional producer
// writing `transactions` transactions of `perTransaction` records each, as bench/scenarios/kafkats/txn.ts
// does with kafkats. Compiled by the harness with javac against the broker's kafka-clients jar.
// Args: bootstrap topic transactions perTransaction valueBytes transactionalId
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class TxnBench {
  public static void main(String[] args) {
    String bootstrap = args[0];
    String topic = args[1];
    int transactions = Integer.parseInt(args[2]);
    int perTransaction = Integer.parseInt(args[3]);
    int valueBytes = Integer.parseInt(args[4]);
    String transactionalId = args[5];
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    byte[] value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'x');
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      producer.initTransactions();
      // One transaction before the clock starts: connections, metadata, the coordinator.
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topic, null, value));
      producer.commitTransaction();
      long started = System.nanoTime();
      for (int t = 0; t < transactions; t++) {
        producer.beginTransaction();
        for (int i = 0; i < perTransaction; i++) {
          byte[] key = Integer.toString(t * perTransaction + i).getBytes(StandardCharsets.UTF_8);
          producer.send(new ProducerRecord<>(topic, key, value));
        }
        producer.commitTransaction();
      }
      double elapsedMs = (System.nanoTime() - started) / 1e6;
      long records = (long) transactions * perTransaction;
      System.out.println("BENCH_RESULT {\"records\":" + records + ",\"bytes\":" + records * valueBytes + ",\"elapsedMs\":" + elapsedMs
          + ",\"transactions\":" + transactions + "}");
    } catch (Exception e) {
      System.out.println("BENCH_ERROR " + e);
      System.exit(1);
    }
  }
}
