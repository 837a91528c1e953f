// node-rdkafka producer: publish-1m and produce-1k.
import { benchConfig, fail, now, recordBytes, recordValue, reportResult, waitFor } from '../../scenarios/shared/child.mjs'
import { Kafka, connect, disconnect, producerConfig } from './common.mjs'

async function main () {
  const cfg = benchConfig()
  const producer = new Kafka.Producer(producerConfig(cfg))
  let delivered = 0
  let error = null
  producer.on('delivery-report', err => {
    if (err) error ??= err
    delivered++
  })
  producer.on('event.error', err => { error ??= err })
  await connect(producer)
  producer.setPollInterval(5)
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
  await waitFor(() => delivered >= cfg.records || error !== null, 120_000)
  if (error) throw error
  if (delivered < cfg.records) throw new Error(`${cfg.records - delivered} records not acknowledged after 120 s`)
  const elapsedMs = now() - start
  await disconnect(producer)
  reportResult({ records: cfg.records, bytes: cfg.records * recordBytes(cfg), elapsedMs })
}

main().catch(fail)
