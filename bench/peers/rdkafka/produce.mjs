// node-rdkafka producer: publish-1m and produce-1k.
import { benchConfig, fail, now, recordBytes, recordValue, reportResult } from '../../scenarios/shared/child.mjs'
import { Kafka, connect, disconnect, producerConfig } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  // Delivery reports off, flush() at the end (node-rdkafka's fast path); the harness checks
  // afterwards that the topic holds every record.
  const producer = new Kafka.Producer({ ...producerConfig(cfg), dr_cb: false })
  let error = null
  producer.on('event.error', err => { error ??= err })
  await connect(producer)
  producer.setPollInterval(100)
  const value = recordValue(cfg)
  const start = now()
  for (let i = 0; i < cfg.records; i++) {
    try {
      producer.produce(cfg.topic, null, value, cfg.key)
    } catch (err) {
      if (err.code !== Kafka.CODES.ERRORS.ERR__QUEUE_FULL) throw err
      await new Promise(resolve => setTimeout(resolve, 1))
      i--
    }
    if (error) throw error
  }
  await new Promise((resolve, reject) => producer.flush(120_000, err => err ? reject(err) : resolve()))
  if (error) throw error
  const elapsedMs = now() - start
  await disconnect(producer)
  reportResult({ records: cfg.records, bytes: cfg.records * recordBytes(cfg), elapsedMs })
}

main().catch(fail)
