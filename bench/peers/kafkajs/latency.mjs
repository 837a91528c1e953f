// KafkaJS produce-to-consume latency at a fixed rate; each tick's due records go in one send.
import { benchConfig, fail, now, paced, percentiles, reportResult, waitFor } from '../../scenarios/shared/child.mjs'
import { kafkaFor } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const kafka = kafkaFor(cfg)
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: cfg.idempotent, maxInFlightRequests: cfg.maxInFlight })
  const consumer = kafka.consumer({ groupId: cfg.groupId, maxWaitTimeInMs: cfg.fetchMaxWaitMs, minBytes: cfg.fetchMinBytes })
  await Promise.all([producer.connect(), consumer.connect()])
  await consumer.subscribe({ topic: cfg.topic, fromBeginning: true })
  const samples = []
  let joined = false
  consumer.on(consumer.events.GROUP_JOIN, () => { joined = true })
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const t = now()
      for (const m of batch.messages) samples.push(t - Number(m.value.toString()))
    }
  })
  if (!await waitFor(() => joined, 30_000)) throw new Error('consumer did not join its group in 30 s')
  const start = now()
  const sent = await paced(cfg.rate, cfg.durationMs, async n => {
    const messages = new Array(n)
    const value = String(now())
    for (let i = 0; i < n; i++) messages[i] = { key: cfg.key, value }
    await producer.send({ topic: cfg.topic, acks: cfg.acks, messages })
  })
  const elapsedMs = now() - start
  await waitFor(() => samples.length >= sent, 10_000)
  await Promise.all([producer.disconnect(), consumer.disconnect()])
  const latencyMs = percentiles(samples)
  reportResult({ records: samples.length, bytes: 0, elapsedMs, latencyMs, note: samples.length < sent ? `${sent - samples.length} of ${sent} not received` : undefined })
}

main().catch(fail)
