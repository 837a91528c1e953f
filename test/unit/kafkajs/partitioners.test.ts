// kafkats/kafkajs partitioners against the real kafkajs 2.2.4 package (a dev dependency): the
// same partition for the same key and partition count, for DefaultPartitioner (Java's murmur2)
// and LegacyPartitioner (KafkaJS 1.x's double-precision murmur2); the same round-robin for
// records without a key. No broker.
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import t from 'tap'
import { DefaultPartitioner, LegacyPartitioner, Partitioners, legacyMurmur2 } from '../../../src/kafkajs/partitioners.js'
import { murmur2Partition } from '../../../src/producer/murmur2.js'
import type { PartitionMetadata } from '../../../src/kafkajs/shapes.js'

const require = createRequire(import.meta.url)
const kafkajs = require('kafkajs') as {
  Partitioners: Record<'DefaultPartitioner' | 'LegacyPartitioner' | 'JavaCompatiblePartitioner', () => (a: { topic: string; partitionMetadata: PartitionMetadata[]; message: { key?: unknown; value: unknown; partition?: number } }) => number>
}
const legacyMurmur2Ref = require('kafkajs/src/producer/partitioners/legacy/murmur2.js') as (key: Buffer | string) => number

function meta(n: number, down: number[] = []): PartitionMetadata[] {
  return Array.from({ length: n }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: down.includes(i) ? -1 : 1, replicas: [1], isr: [1] }))
}

function keys(): Array<Buffer | string> {
  const out: Array<Buffer | string> = ['', 'a', 'key1', 'key2', 'hello world', 'ünïcödé-ключ-鍵', '0123456789abcdefghij'.repeat(7)]
  for (let i = 0; i < 400; i++) out.push(i % 2 === 0 ? `user-${i}-${randomBytes(4).toString('hex')}` : randomBytes(1 + (i % 61)))
  return out
}

t.test('legacyMurmur2 equals KafkaJS 1.x murmur2 bit for bit', async (t) => {
  for (const k of keys()) {
    const b = Buffer.isBuffer(k) ? k : Buffer.from(k)
    t.equal(legacyMurmur2(b), legacyMurmur2Ref(k), `key ${b.toString('hex')}`)
  }
})

for (const name of ['DefaultPartitioner', 'LegacyPartitioner'] as const) {
  t.test(`${name}: keyed messages go where KafkaJS puts them`, async (t) => {
    const ours = (name === 'DefaultPartitioner' ? DefaultPartitioner : LegacyPartitioner)()
    const theirs = kafkajs.Partitioners[name]()
    let mismatches = 0
    for (const n of [1, 2, 3, 7, 12, 100]) {
      for (const key of keys()) {
        const args = { topic: 't', partitionMetadata: meta(n), message: { key, value: 'v' } }
        if (ours(args) !== theirs(args)) mismatches++
      }
    }
    t.equal(mismatches, 0)
  })

  t.test(`${name}: an explicit partition wins; no key goes round-robin over partitions with a leader`, async (t) => {
    const p = (name === 'DefaultPartitioner' ? DefaultPartitioner : LegacyPartitioner)()
    t.equal(p({ topic: 't', partitionMetadata: meta(4), message: { key: 'k', value: 'v', partition: 3 } }), 3)
    const seq = Array.from({ length: 8 }, () => p({ topic: 't', partitionMetadata: meta(4, [1]), message: { value: 'v' } }))
    for (const x of seq) t.not(x, 1, 'partition without leader skipped')
    const order = [0, 2, 3]
    for (let i = 1; i < seq.length; i++) t.equal(order.indexOf(seq[i]), (order.indexOf(seq[i - 1]) + 1) % 3, 'next available partition')
    const none = meta(3, [0, 1, 2])
    const a = p({ topic: 'u', partitionMetadata: none, message: { value: 'v' } })
    const b = p({ topic: 'u', partitionMetadata: none, message: { value: 'v' } })
    t.equal(b, (a + 1) % 3, 'no partition available: round-robin over all')
  })
}

t.test('DefaultPartitioner is the Java client placement (kafkats murmur2Partition)', async (t) => {
  const p = DefaultPartitioner()
  for (const key of keys()) {
    const b = Buffer.isBuffer(key) ? key : Buffer.from(key)
    t.equal(p({ topic: 't', partitionMetadata: meta(12), message: { key, value: null } }), murmur2Partition(b, 12))
  }
  t.equal(Partitioners.JavaCompatiblePartitioner, DefaultPartitioner)
})
