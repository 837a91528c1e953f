// The Apache Kafka Java client on the other side of the wire, for kafkats's interop tests
// (test/integration/interop/java-client.test.ts). Run as a single-file program with the
// broker's own kafka-clients jar: java -cp '<libs>/*' test/interop/JavaPeer.java <command> ...
//
//   consume  <bootstrap> <topic> <count> [isolation]  reads <count> records from the start
//            of every partition (no group) and prints one JSON line per record.
//   produce  <bootstrap> <topic> <count> <compression> <t0>  writes <count> records
//            (idempotent, acks=all): key "k<i>" (null for every 7th), value "v<i>" repeated (a
//            tombstone for every 11th), headers h=<i> and empty=(empty), timestamp t0 + i, to
//            partition i % partitions. (Timestamps older than the topic's retention.ms would be
//            deleted by the broker's next retention check.)
//   offsets  <bootstrap> <group>  prints the group's committed offsets (Admin) as JSON lines.
//   commit   <bootstrap> <group> <topic> <partition> <offset> <metadata>  commits one offset
//            (consumer with assign(), so no group membership).
//   member   <bootstrap> <group> <topic> <range|cooperative-sticky|consumer>  a group member
//            (consumer: group.protocol=consumer, KIP-848, the coordinator assigns): prints
//            {"assigned":[partitions]} after every rebalance and {"partition","offset"} per record,
//            commits after every poll, and leaves the group when "stop" arrives on stdin.
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.*;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.*;
import org.apache.kafka.clients.producer.*;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class JavaPeer {
  static String b64(byte[] b) {
    return b == null ? "null" : "\"" + Base64.getEncoder().encodeToString(b) + "\"";
  }

  static String str(String s) {
    if (s == null) return "null";
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "consume" -> consume(args[1], args[2], Integer.parseInt(args[3]), args.length > 4 ? args[4] : "read_uncommitted");
      case "produce" -> produce(args[1], args[2], Integer.parseInt(args[3]), args[4], Long.parseLong(args[5]));
      case "offsets" -> offsets(args[1], args[2]);
      case "commit" -> commit(args[1], args[2], args[3], Integer.parseInt(args[4]), Long.parseLong(args[5]), args[6]);
      case "member" -> member(args[1], args[2], args[3], args[4]);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  static Properties consumerProps(String bootstrap, String group, String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    if (group != null) p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    p.put(ConsumerConfig.CHECK_CRCS_CONFIG, "true");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  static void consume(String bootstrap, String topic, int count, String isolation) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap, null, isolation))) {
      List<TopicPartition> tps = new ArrayList<>();
      c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
      c.assign(tps);
      c.seekToBeginning(tps);
      int seen = 0;
      long end = System.currentTimeMillis() + 60_000;
      while (seen < count && System.currentTimeMillis() < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          StringBuilder h = new StringBuilder("[");
          for (Header header : r.headers()) {
            if (h.length() > 1) h.append(',');
            h.append("[").append(str(header.key())).append(',').append(b64(header.value())).append(']');
          }
          h.append(']');
          System.out.println("{\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + ",\"timestamp\":" + r.timestamp()
              + ",\"leaderEpoch\":" + r.leaderEpoch().orElse(-1) + ",\"key\":" + b64(r.key()) + ",\"value\":" + b64(r.value())
              + ",\"headers\":" + h + "}");
          seen++;
        }
      }
      System.out.flush();
    }
  }

  static void produce(String bootstrap, String topic, int count, String compression, long t0) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> prod = new KafkaProducer<>(p)) {
      int partitions = prod.partitionsFor(topic).size();
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        byte[] key = i % 7 == 0 ? null : ("k" + i).getBytes(StandardCharsets.UTF_8);
        byte[] value = i % 11 == 0 ? null : ("v" + i).repeat(1 + i % 5).getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, i % partitions, t0 + i, key, value);
        r.headers().add("h", String.valueOf(i).getBytes(StandardCharsets.UTF_8));
        r.headers().add("empty", new byte[0]);
        sent.add(prod.send(r));
      }
      for (var f : sent) f.get();
    }
    System.out.println("{\"produced\":" + count + "}");
  }

  static void offsets(String bootstrap, String group) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      for (var e : m.entrySet()) {
        OffsetAndMetadata o = e.getValue();
        System.out.println("{\"topic\":" + str(e.getKey().topic()) + ",\"partition\":" + e.getKey().partition() + ",\"offset\":"
            + (o == null ? -1 : o.offset()) + ",\"leaderEpoch\":" + (o == null ? -1 : o.leaderEpoch().orElse(-1)) + ",\"metadata\":"
            + str(o == null ? null : o.metadata()) + "}");
      }
    }
  }

  static void commit(String bootstrap, String group, String topic, int partition, long offset, String metadata) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap, group, "read_uncommitted"))) {
      TopicPartition tp = new TopicPartition(topic, partition);
      c.assign(List.of(tp));
      c.commitSync(Map.of(tp, new OffsetAndMetadata(offset, metadata)));
    }
    System.out.println("{\"committed\":" + offset + "}");
  }

  static void member(String bootstrap, String group, String topic, String assignor) throws Exception {
    Properties p = consumerProps(bootstrap, group, "read_uncommitted");
    if (assignor.equals("consumer")) {
      // KIP-848: the coordinator assigns; session and heartbeat are the broker's settings.
      // By name: the constant exists only in kafka-clients 3.7+, and this file also compiles against 2.8 (test:compat).
      p.put("group.protocol", "consumer");
    } else {
      p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.equals("range")
          ? RangeAssignor.class.getName() : CooperativeStickyAssignor.class.getName());
      p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
      p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
    }
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
    Set<Integer> owned = new TreeSet<>();
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread stdin = new Thread(() -> {
      try (Scanner in = new Scanner(System.in)) {
        while (in.hasNextLine()) if (in.nextLine().trim().equals("stop")) break;
      }
      running.set(false);
      c.wakeup();
    });
    stdin.setDaemon(true);
    stdin.start();
    c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
      public void onPartitionsRevoked(Collection<TopicPartition> ps) {
        ps.forEach(tp -> owned.remove(tp.partition()));
      }
      public void onPartitionsAssigned(Collection<TopicPartition> ps) {
        ps.forEach(tp -> owned.add(tp.partition()));
        System.out.println("{\"assigned\":" + owned + "}");
        System.out.flush();
      }
      public void onPartitionsLost(Collection<TopicPartition> ps) {
        onPartitionsRevoked(ps);
      }
    });
    try {
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : rs) System.out.println("{\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + "}");
        System.out.flush();
        if (!rs.isEmpty()) c.commitSync();
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // "stop" arrived
    } finally {
      c.close();
    }
    System.out.println("{\"closed\":true}");
  }
}
