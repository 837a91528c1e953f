/**
 * The native codec libraries load on first use: importing kafkats loads none, a library that
 * cannot load fails only its codec's batches with CodecUnavailableError (the loader is
 * replaced by one that throws, as on a platform without the prebuilt binary), and a library
 * is loaded once.
 */
import { createRequire } from 'node:module'
import t from 'tap'
import { ClientErrorCode, CodecUnavailableError, KafkaError } from '../../../src/index.js'
import { compress, compressSync, decompress, decompressSync } from '../../../src/protocol/compression/index.js'
import { setNativeModuleLoader } from '../../../src/protocol/compression/native-codec.js'
import { hasNodeZstd } from '../../../src/protocol/compression/zstd-node.js'
import { decodeRecordBatches, decodeRecordBatchesSync } from '../../../src/protocol/records/record-batch-decoder.js'
import { encodeRecordBatch, encodeRecordBatchSync } from '../../../src/protocol/records/record-batch-builder.js'

const require = createRequire(import.meta.url)
const NATIVE = ['lz4-napi', 'snappy', '@mongodb-js/zstd']
const where = { topic: 'lazy', partition: 0 }
const records = [{ key: Buffer.from('k'), value: Buffer.from('value value value value'), headers: [], timestamp: 1 }]

function nativeLoaded(): string[] {
  return Object.keys(require.cache).filter((p) => /[\\/]node_modules[\\/](lz4-napi|snappy|@mongodb-js[\\/]zstd)[\\/]/.test(p))
}

function broken(pkg: string): (name: string) => unknown {
  return (name) => {
    if (name === pkg) throw new Error(`Cannot find module '${name}' (test)`)
    return require(name)
  }
}

t.afterEach(() => setNativeModuleLoader())

t.test('importing kafkats loads no native codec library', async (t) => {
  // This file's imports are the whole package (src/index.ts) and the codec modules.
  t.same(nativeLoaded(), [])
  decompressSync('lz4', compressSync('lz4', Buffer.from('x')))
  t.ok(nativeLoaded().some((p) => p.includes('lz4-napi')), 'lz4-napi loaded on first use')
})

t.test('a codec whose library cannot load fails with CodecUnavailableError; the others work', async (t) => {
  const lz4Frame = compressSync('lz4', Buffer.from('hello'))
  setNativeModuleLoader(broken('lz4-napi'))
  const err = t.throws(() => compressSync('lz4', Buffer.from('hello'))) as CodecUnavailableError
  t.ok(err instanceof CodecUnavailableError && err instanceof KafkaError)
  t.equal(err.code, ClientErrorCode.CODEC_UNAVAILABLE)
  t.equal(err.code, 'CODEC_UNAVAILABLE')
  t.equal(err.retriable, false)
  t.equal(err.codec, 'lz4')
  t.equal(err.packageName, 'lz4-napi')
  t.match(err.message, /npm install lz4-napi/)
  t.match(String((err.cause as Error).message), /Cannot find module/)
  t.throws(() => decompressSync('lz4', lz4Frame), CodecUnavailableError)
  for (const codec of ['none', 'gzip', 'snappy', 'zstd'] as const) {
    const data = Buffer.from(`payload for ${codec}`)
    t.same(await decompress(codec, await compress(codec, data)), data, `${codec} still works`)
  }
})

t.test('zstd and snappy failures are typed too (async and sync paths)', async (t) => {
  const zstdFrame = await compress('zstd', Buffer.from('z'))
  const snappyBlock = compressSync('snappy', Buffer.from('s'))
  setNativeModuleLoader(broken('@mongodb-js/zstd'))
  await t.rejects(compress('zstd', Buffer.from('z')), { code: 'CODEC_UNAVAILABLE', packageName: '@mongodb-js/zstd' })
  // Node 22.15+ decompresses zstd with node:zlib: the library is needed for compression only.
  if (hasNodeZstd) t.equal((await decompress('zstd', zstdFrame)).toString(), 'z', 'decompressed without the library')
  else await t.rejects(decompress('zstd', zstdFrame), CodecUnavailableError)
  setNativeModuleLoader(broken('snappy'))
  t.throws(() => decompressSync('snappy', snappyBlock), { code: 'CODEC_UNAVAILABLE', packageName: 'snappy', codec: 'snappy' })
  await t.rejects(compress('snappy', Buffer.from('s')), CodecUnavailableError)
})

t.test('only the batches of the missing codec fail, encoding and decoding', async (t) => {
  const lz4Batch = encodeRecordBatchSync(records, { compression: 'lz4' })
  const gzipBatch = encodeRecordBatchSync(records, { compression: 'gzip' })
  setNativeModuleLoader(broken('lz4-napi'))
  t.throws(() => encodeRecordBatchSync(records, { compression: 'lz4' }), CodecUnavailableError)
  await t.rejects(encodeRecordBatch(records, { compression: 'lz4' }), CodecUnavailableError)
  t.throws(() => decodeRecordBatchesSync(lz4Batch, where), CodecUnavailableError)
  await t.rejects(decodeRecordBatches(lz4Batch, where), CodecUnavailableError)
  const [gz] = await decodeRecordBatches(gzipBatch, where)
  t.equal(gz.records[0].value?.toString(), 'value value value value')
  t.ok((await encodeRecordBatch(records, { compression: 'snappy' })).length > 0)
})

t.test('each library is loaded once; a failed load is remembered', async (t) => {
  const calls: string[] = []
  setNativeModuleLoader((name) => {
    calls.push(name)
    return require(name)
  })
  for (let i = 0; i < 5; i++) decompressSync('snappy', compressSync('snappy', Buffer.from(`x${i}`)))
  t.same(calls, ['snappy'])
  calls.length = 0
  setNativeModuleLoader((name) => {
    calls.push(name)
    throw new Error('no binary')
  })
  for (let i = 0; i < 3; i++) t.throws(() => compressSync('lz4', Buffer.from('x')), CodecUnavailableError)
  t.same(calls, ['lz4-napi'])
})
