// KafkaJS producer: publish-1m and produce-1k.
import { benchConfig, fail, now, recordBytes, recordValue, reportResult } from '../../scenarios/shared/child.mjs'
import { compressionOf, kafkaFor, recordsPerSend } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const producer = kafkaFor(cfg).producer({ allowAutoTopicCreation: false, maxInFlightRequests: cfg.maxInFlight, idempotent: cfg.idempotent })
  await producer.connect()
  const value = recordValue(cfg)
  const size = recordsPerSend()
  const compression = compressionOf(cfg)
  const inFlight = new Set()
  const start = now()
  for (let sent = 0; sent < cfg.records;) {
    const n = Math.min(size, cfg.records - sent)
    const messages = new Array(n)
    for (let i = 0; i < n; i++) messages[i] = { key: cfg.key, value }
    const p = producer.send({ topic: cfg.topic, acks: cfg.acks, compression, messages })
    inFlight.add(p)
    p.then(() => inFlight.delete(p), fail)
    sent += n
    if (inFlight.size >= cfg.maxInFlight) await Promise.race(inFlight)
  }
  await Promise.all(inFlight)
  const elapsedMs = now() - start
  await producer.disconnect()
  reportResult({ records: cfg.records, bytes: cfg.records * recordBytes(cfg), elapsedMs })
}

main().catch(fail)
