// The Java client's peer of bench/run.ts (publish-1m, produce-1k, consume-*, latency):
// `java BenchPeer produce|consume|latency`, the scenario in the BENCH_CONFIG environment
// variable (flat JSON, bench/scenarios/shared/child.d.mts), one BENCH_RESULT line out.
// Unlike Kafka's ProducerPerformance it sends the scenario's key, and it consumes assigned
// partitions in a poll loop (no group), as kafkats' consume path does. Compiled by the harness
// with javac against the broker's kafka-clients jar. Settings: the table in bench/README.md.
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class BenchPeer {
  static Map<String, String> cfg = new HashMap<>();

  static String str(String k) { return cfg.get(k); }
  static int num(String k) { return (int) Double.parseDouble(cfg.get(k)); }
  static boolean bool(String k) { return "true".equals(cfg.get(k)); }

  /** The flat JSON object of BENCH_CONFIG: strings, numbers, booleans and null; null values are left out. */
  static void parse(String json) {
    Matcher m = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|null|true|false|-?[0-9.eE+-]+)").matcher(json);
    while (m.find()) {
      if (m.group(2).equals("null")) continue;
      cfg.put(m.group(1), m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(2));
    }
  }

  static byte[] key() { String k = str("key"); return k == null ? null : k.getBytes(StandardCharsets.UTF_8); }

  static byte[] value() {
    String v = str("value");
    if (v != null) return v.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[num("valueSize")];
    Random r = new Random();
    for (int i = 0; i < b.length; i++) b[i] = (byte) ('A' + r.nextInt(26));
    return b;
  }

  static Properties producerProps() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, str("bootstrap"));
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-java");
    p.put(ProducerConfig.ACKS_CONFIG, num("acks") == -1 ? "all" : String.valueOf(num("acks")));
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, String.valueOf(bool("idempotent")));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, str("compression"));
    p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(num("lingerMs")));
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(num("batchBytes")));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(num("bufferBytes")));
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, String.valueOf(num("maxInFlight")));
    p.put(ProducerConfig.SEND_BUFFER_CONFIG, "-1"); // the OS default, as every other client
    p.put(ProducerConfig.RECEIVE_BUFFER_CONFIG, "-1");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  static Properties consumerProps() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, str("bootstrap"));
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-java");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(num("fetchMinBytes")));
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(num("fetchMaxWaitMs")));
    p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(num("fetchMaxBytes")));
    p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(num("maxPartitionFetchBytes")));
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
    p.put(ConsumerConfig.SEND_BUFFER_CONFIG, "-1");
    p.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, "-1");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  static List<TopicPartition> partitions() {
    List<TopicPartition> out = new ArrayList<>();
    for (int i = 0; i < num("partitions"); i++) out.add(new TopicPartition(str("topic"), i));
    return out;
  }

  static void result(long records, long bytes, double elapsedMs, String extra) {
    System.out.println("BENCH_RESULT {\"records\":" + records + ",\"bytes\":" + bytes + ",\"elapsedMs\":" + elapsedMs + extra + "}");
  }

  static void produce() throws Exception {
    String topic = str("topic");
    int records = num("records");
    byte[] key = key();
    byte[] value = value();
    AtomicReference<Exception> error = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps())) {
      producer.partitionsFor(topic); // connects and loads metadata before the clock starts
      long start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> { if (e != null) error.compareAndSet(null, e); });
      }
      producer.flush();
      double elapsedMs = (System.nanoTime() - start) / 1e6;
      if (error.get() != null) throw error.get();
      result(records, (long) records * ((key == null ? 0 : key.length) + value.length), elapsedMs, "");
    }
  }

  static void consume() {
    int records = num("records");
    long count = 0;
    long bytes = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps())) {
      long start = System.nanoTime();
      long deadline = start + 300_000_000_000L;
      consumer.assign(partitions());
      consumer.seekToBeginning(partitions());
      while (count < records) {
        if (System.nanoTime() > deadline) throw new RuntimeException("read " + count + " of " + records + " records in 5 minutes");
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        }
        count += batch.count();
      }
      result(count, bytes, (System.nanoTime() - start) / 1e6, "");
    }
  }

  static double nowMs() { return System.nanoTime() / 1e6; }

  static void latency() throws Exception {
    String topic = str("topic");
    int rate = num("rate");
    int durationMs = num("durationMs");
    byte[] key = key();
    double[] samples = new double[rate * durationMs / 1000 + 10000];
    AtomicInteger received = new AtomicInteger();
    AtomicReference<Boolean> stop = new AtomicReference<>(false);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps());
    consumer.assign(partitions());
    consumer.seekToBeginning(partitions());
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(50));
        double t = nowMs();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
          int i = received.get();
          if (i < samples.length) samples[i] = t - Double.parseDouble(new String(r.value(), StandardCharsets.UTF_8));
          received.incrementAndGet();
        }
      }
      consumer.close();
    });
    reader.start();
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps());
    producer.partitionsFor(topic);
    Thread.sleep(1000);
    long start = System.nanoTime();
    int sent = 0;
    for (;;) {
      double elapsed = (System.nanoTime() - start) / 1e6;
      if (elapsed >= durationMs) break;
      int due = (int) Math.floor(elapsed * rate / 1000) - sent;
      if (due > 0) {
        byte[] value = String.valueOf(nowMs()).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < due; i++) producer.send(new ProducerRecord<>(topic, key, value));
        sent += due;
      }
      Thread.sleep(1);
    }
    double elapsedMs = (System.nanoTime() - start) / 1e6;
    long waitEnd = System.nanoTime() + 10_000_000_000L;
    while (received.get() < sent && System.nanoTime() < waitEnd) Thread.sleep(5);
    stop.set(true);
    reader.join();
    producer.close();
    int n = Math.min(received.get(), samples.length);
    double[] s = Arrays.copyOf(samples, n);
    Arrays.sort(s);
    String lat = ",\"latencyMs\":{\"p50\":" + at(s, 0.5) + ",\"p99\":" + at(s, 0.99) + ",\"p999\":" + at(s, 0.999) + ",\"count\":" + n + "}";
    String note = n < sent ? ",\"note\":\"" + (sent - n) + " of " + sent + " not received\"" : "";
    result(n, 0, elapsedMs, lat + note);
  }

  static double at(double[] s, double q) {
    if (s.length == 0) return 0;
    int i = (int) Math.ceil(q * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }

  public static void main(String[] args) {
    try {
      String json = System.getenv("BENCH_CONFIG");
      if (json == null) throw new IllegalStateException("BENCH_CONFIG is not set: run this through bench/run.ts");
      parse(json);
      switch (args.length > 0 ? args[0] : "") {
        case "produce": produce(); break;
        case "consume": consume(); break;
        case "latency": latency(); break;
        default: throw new IllegalArgumentException("usage: BenchPeer produce|consume|latency");
      }
      System.exit(0);
    } catch (Exception e) {
      System.out.println("BENCH_ERROR " + e);
      System.exit(1);
    }
  }
}
