/**
 * KafkaJS's partitioners, with KafkaJS's behaviour (kafkajs/src/producer/partitioners, 2.2):
 * - `DefaultPartitioner` (alias `JavaCompatiblePartitioner`): a record with a key goes to
 *   `toPositive(murmur2(key)) % partitionCount` with the Java client's murmur2 (kafkats's own,
 *   src/producer/murmur2.ts), so keyed records land where the Java client puts them. A record
 *   without a key goes round-robin over the partitions that have a leader, from a random start
 *   per topic: not the Java client's sticky partitioning (KIP-480).
 * - `LegacyPartitioner`: the same, with KafkaJS 1.x's murmur2, which computes in JavaScript
 *   doubles and so loses precision on long keys: its partitions differ from Java's for most keys.
 *   Reproduced exactly, so a producer keeps the placement KafkaJS 1.x gave its keys.
 * A key that is not a Buffer is hashed as the UTF-8 of `String(key)`, as KafkaJS does.
 */
import { randomBytes } from 'node:crypto'
import { murmur2 as javaMurmur2 } from '../producer/murmur2.js'
import type { Message, PartitionMetadata } from './shapes.js'

/** What a KafkaJS partitioner is called with, once per message without an explicit partition. */
export interface PartitionerArgs {
  topic: string
  partitionMetadata: PartitionMetadata[]
  message: Message
}

/** A KafkaJS partitioner factory: `createPartitioner` of `kafka.producer()`. */
export type ICustomPartitioner = () => (args: PartitionerArgs) => number

const toPositive = (x: number): number => x & 0x7fffffff

const SEED = 0x9747b28c
const M = 0x5bd1e995

/**
 * KafkaJS 1.x's murmur2: Java's algorithm written over JavaScript numbers, so products exceed
 * 2^53 and lose their low bits before the bit operations truncate them to 32 bits. The result
 * is defined by that arithmetic, which this function performs in the same order.
 */
export function legacyMurmur2(data: Buffer): number {
  const length = data.length
  let h = SEED ^ length
  const length4 = length / 4
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4
    let k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) + ((data[i4 + 3] & 0xff) << 24)
    k *= M
    k ^= k >>> 24
    k *= M
    h *= M
    h ^= k
  }
  const tail = length & ~3
  const rest = length % 4
  if (rest >= 3) h ^= (data[tail + 2] & 0xff) << 16
  if (rest >= 2) h ^= (data[tail + 1] & 0xff) << 8
  if (rest >= 1) {
    h ^= data[tail] & 0xff
    h *= M
  }
  h ^= h >>> 13
  h *= M
  h ^= h >>> 15
  return h
}

function keyBytes(key: Buffer | string | null | undefined): Buffer {
  return Buffer.isBuffer(key) ? key : Buffer.from(String(key))
}

/** KafkaJS's partitioner shape around a murmur2: explicit partition, key hash, else round-robin over available partitions. */
function hashPartitioner(hash: (key: Buffer) => number): ICustomPartitioner {
  return () => {
    const counters = new Map<string, number>()
    return ({ topic, partitionMetadata, message }) => {
      let counter = counters.get(topic)
      if (counter === undefined) counter = randomBytes(4).readUInt32BE(0)
      const numPartitions = partitionMetadata.length
      if (message.partition !== null && message.partition !== undefined) {
        counters.set(topic, counter)
        return message.partition
      }
      if (message.key !== null && message.key !== undefined) {
        counters.set(topic, counter)
        return toPositive(hash(keyBytes(message.key))) % numPartitions
      }
      counters.set(topic, ++counter)
      let available = 0
      for (const p of partitionMetadata) if (p.leader >= 0) available++
      if (available > 0) {
        let i = toPositive(counter) % available
        for (const p of partitionMetadata) {
          if (p.leader < 0) continue
          if (i-- === 0) return p.partitionId
        }
      }
      return toPositive(counter) % numPartitions
    }
  }
}

/** KafkaJS's DefaultPartitioner: Java-compatible murmur2 for keys, round-robin without key. */
export const DefaultPartitioner: ICustomPartitioner = hashPartitioner(javaMurmur2)
/** KafkaJS's LegacyPartitioner: KafkaJS 1.x's murmur2 for keys, round-robin without key. */
export const LegacyPartitioner: ICustomPartitioner = hashPartitioner(legacyMurmur2)

/** `Partitioners` as KafkaJS exports it. */
export const Partitioners: Readonly<{ DefaultPartitioner: ICustomPartitioner; LegacyPartitioner: ICustomPartitioner; JavaCompatiblePartitioner: ICustomPartitioner }> = Object.freeze({
  DefaultPartitioner,
  LegacyPartitioner,
  /** @deprecated KafkaJS's old name of DefaultPartitioner. */
  JavaCompatiblePartitioner: DefaultPartitioner,
})
