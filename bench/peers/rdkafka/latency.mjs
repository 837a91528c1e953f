// node-rdkafka produce-to-consume latency at a fixed rate, linger.ms 0.
import { benchConfig, fail, now, paced, percentiles, reportResult, waitFor } from '../../scenarios/shared/child.mjs'
import { Kafka, connect, disconnect, producerConfig, produceOne } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const producer = new Kafka.Producer(producerConfig(cfg))
  const consumer = new Kafka.KafkaConsumer({
    'metadata.broker.list': cfg.bootstrap,
    'group.id': cfg.groupId,
    'enable.auto.commit': false,
    'fetch.wait.max.ms': cfg.fetchMaxWaitMs,
    'fetch.min.bytes': cfg.fetchMinBytes,
    // Tuned for latency as librdkafka's wiki says ("How to decrease message latency"): an
    // empty fetch (the idle partitions) starts fetch.error.backoff.ms (default 500 ms).
    'fetch.error.backoff.ms': 10,
    'socket.nagle.disable': true
  }, { 'auto.offset.reset': 'earliest' })
  await Promise.all([connect(producer), connect(consumer)])
  producer.setPollInterval(5)
  const samples = []
  consumer.on('data', m => { samples.push(now() - Number(m.value.toString())) })
  const assignments = []
  for (let p = 0; p < cfg.partitions; p++) assignments.push({ topic: cfg.topic, partition: p, offset: 0 })
  consumer.assign(assignments)
  // Tuned for latency: node-rdkafka's flowing loop sleeps 500 ms (its default) after every
  // consume call that timed out; wake it every 1 ms instead.
  consumer.setDefaultConsumeLoopTimeoutDelay(1)
  consumer.consume()
  await new Promise(resolve => setTimeout(resolve, 1000))
  const start = now()
  const sent = await paced(cfg.rate, cfg.durationMs, async n => {
    const value = Buffer.from(String(now()))
    for (let i = 0; i < n; i++) await produceOne(producer, cfg.topic, value, cfg.key)
  })
  const elapsedMs = now() - start
  await waitFor(() => samples.length >= sent, 10_000)
  await Promise.all([disconnect(producer), disconnect(consumer)])
  reportResult({ records: samples.length, bytes: 0, elapsedMs, latencyMs: percentiles(samples), note: samples.length < sent ? `${sent - samples.length} of ${sent} not received` : undefined })
}

main().catch(fail)
