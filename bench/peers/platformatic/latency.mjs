// @platformatic/kafka produce-to-consume latency at a fixed rate; each tick's due records go in one send.
import { benchConfig, fail, now, paced, percentiles, reportResult, waitFor } from '../../scenarios/shared/child.mjs'
import { consumerFor, producerFor } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const producer = producerFor(cfg)
  const consumer = consumerFor(cfg)
  const samples = []
  const stream = await consumer.consume({ topics: [cfg.topic], mode: 'earliest' })
  stream.on('data', m => { samples.push(now() - Number(m.value.toString())) })
  await producer.metadata({ topics: [cfg.topic] })
  await new Promise(resolve => setTimeout(resolve, 1000))
  const key = cfg.key === null ? undefined : Buffer.from(cfg.key)
  const start = now()
  const sent = await paced(cfg.rate, cfg.durationMs, async n => {
    const value = Buffer.from(String(now()))
    const messages = new Array(n)
    for (let i = 0; i < n; i++) messages[i] = { topic: cfg.topic, key, value }
    await producer.send({ messages })
  })
  const elapsedMs = now() - start
  await waitFor(() => samples.length >= sent, 10_000)
  await stream.close()
  await Promise.all([producer.close(), consumer.close(true)])
  reportResult({ records: samples.length, bytes: 0, elapsedMs, latencyMs: percentiles(samples), note: samples.length < sent ? `${sent - samples.length} of ${sent} not received` : undefined })
}

main().catch(fail)
