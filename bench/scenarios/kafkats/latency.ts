// kafkats produce-to-consume latency at a fixed rate, lingerMs 0: a partition consumer and
// a producer in one process; each tick's due records go in one sendBatch.
import type { ProducerRecord } from '../../../src/index.js'
import { benchConfig, fail, now, paced, percentiles, reportResult, waitFor } from '../shared/child.mjs'
import { allPartitions, fetchOptions, kafkaFor, producerOptions } from './common.js'

async function run (): Promise<void> {
  const cfg = benchConfig()
  const kafka = kafkaFor(cfg)
  const producer = kafka.producer(producerOptions(cfg))
  const consumer = kafka.consumer({ assignments: allPartitions(cfg), ...fetchOptions(cfg) })
  const samples: number[] = []
  const reading = (async () => {
    for await (const batch of consumer) {
      const t = now()
      for (const r of batch.records) samples.push(t - Number(r.value!.toString()))
    }
  })()
  reading.catch(fail)
  await producer.partitionFor(cfg.topic, cfg.key)
  await new Promise(resolve => setTimeout(resolve, 1000))
  const start = now()
  const sent = await paced(cfg.rate, cfg.durationMs, async n => {
    const value = String(now())
    const records = new Array<ProducerRecord>(n)
    for (let i = 0; i < n; i++) records[i] = { topic: cfg.topic, key: cfg.key, value }
    await producer.sendBatch(records)
  })
  const elapsedMs = now() - start
  await waitFor(() => samples.length >= sent, 10_000)
  await kafka.disconnectAll()
  await reading
  reportResult({ records: samples.length, bytes: 0, elapsedMs, latencyMs: percentiles(samples), note: samples.length < sent ? `${sent - samples.length} of ${sent} not received` : undefined })
}

run().catch(fail)
