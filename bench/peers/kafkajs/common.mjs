// KafkaJS setup shared by its scenario scripts.
import { createRequire } from 'node:module'
import kafkajs from 'kafkajs'

const { Kafka, logLevel, CompressionTypes, CompressionCodecs } = kafkajs

/**
 * KafkaJS has no LZ4 codec of its own; the usual answer is a plugin. We plug in the same
 * native lz4-napi kafkats uses (from the repository's node_modules) so codec speed is not
 * what differs.
 */
function registerLz4 () {
  const require = createRequire(new URL('../../../package.json', import.meta.url))
  const lz4 = require('lz4-napi')
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    async compress (encoder) { return lz4.compressFrameSync(encoder.buffer) },
    async decompress (buffer) { return lz4.decompressFrameSync(buffer) }
  })
}

export function kafkaFor (cfg) {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1'
  if (cfg.compression === 'lz4') registerLz4()
  return new Kafka({ clientId: 'bench-kafkajs', brokers: cfg.bootstrap.split(','), logLevel: process.env.KJS_LOG ? logLevel.DEBUG : logLevel.ERROR })
}

export const compressionOf = cfg => cfg.compression === 'lz4' ? CompressionTypes.LZ4 : CompressionTypes.None

/**
 * Records per send() call. The client has no linger or batch.size: the application
 * batches, and up to 5 calls are in flight (as max.in.flight 5 elsewhere). KafkaJS encodes a send() superlinearly in its record count (30,000 records
 * took 31 s in one call here), so large calls are slow: a sweep of 100–58,000 records per
 * call on this machine peaked around 500.
 * BENCH_CHUNK overrides it.
 */
export function recordsPerSend () {
  return Number(process.env.BENCH_CHUNK ?? 500)
}
