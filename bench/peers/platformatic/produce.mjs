// @platformatic/kafka producer: publish-1m and produce-1k.
import { benchConfig, fail, now, recordBytes, recordValue, reportResult } from '../../scenarios/shared/child.mjs'
import { producerFor, recordsPerSend } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const producer = producerFor(cfg)
  const key = cfg.key === null ? undefined : Buffer.from(cfg.key)
  const value = recordValue(cfg)
  const size = recordsPerSend()
  // Connects and loads metadata before the clock starts, as the other clients do.
  await producer.metadata({ topics: [cfg.topic] })
  const inFlight = new Set()
  const start = now()
  for (let sent = 0; sent < cfg.records;) {
    const n = Math.min(size, cfg.records - sent)
    const messages = new Array(n)
    for (let i = 0; i < n; i++) messages[i] = { topic: cfg.topic, key, value }
    const p = producer.send({ messages })
    inFlight.add(p)
    p.then(() => inFlight.delete(p), fail)
    sent += n
    if (inFlight.size >= cfg.maxInFlight) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  const elapsedMs = now() - start
  await producer.close()
  reportResult({ records: cfg.records, bytes: cfg.records * recordBytes(cfg), elapsedMs })
}

main().catch(fail)
