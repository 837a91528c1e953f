/**
 * MurmurHash2 exactly as the Java client's `org.apache.kafka.common.utils.Utils.murmur2`,
 * which the Java default partitioner uses for keyed records. Matching it bit for bit is
 * what lets records produced by kafkats and by Java (or librdkafka's `murmur2_random`)
 * with the same key land on the same partition.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995
const R = 24

/**
 * The 32-bit MurmurHash2 of `key` as Java computes it: seed 0x9747b28c, m 0x5bd1e995,
 * r 24, little-endian 4-byte words. Returns a signed 32-bit integer (Java `int`).
 */
export function murmur2(key: Uint8Array): number {
  const length = key.length
  let h = SEED ^ length
  const words = length & ~3
  let i = 0
  for (; i < words; i += 4) {
    let k = key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24)
    k = Math.imul(k, M)
    k ^= k >>> R
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  // Java's switch falls through: the 1 to 3 trailing bytes are mixed in, then one multiply.
  const tail = length & 3
  if (tail > 0) {
    if (tail === 3) h ^= key[i + 2] << 16
    if (tail >= 2) h ^= key[i + 1] << 8
    h ^= key[i]
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/**
 * Java's `Utils.toPositive`: clears the sign bit (not `Math.abs`, which would leave
 * -2^31 negative). Returns an integer in [0, 2^31).
 */
export function toPositive(n: number): number {
  return n & 0x7fffffff
}

/**
 * The partition Java's default partitioner picks for a non-null key:
 * `toPositive(murmur2(key)) % partitionCount`. `partitionCount` must be a positive integer.
 */
export function murmur2Partition(key: Uint8Array, partitionCount: number): number {
  return toPositive(murmur2(key)) % partitionCount
}
