/**
 * XXH32 (xxHash, 32-bit), which the LZ4 frame format uses for its header checksum.
 * Only needed to recognise the header checksum Kafka < 0.10 computed wrongly (KIP-57).
 */
const P1 = 2654435761
const P2 = 2246822519
const P3 = 3266489917
const P4 = 668265263
const P5 = 374761393

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r))
}

function round(acc: number, lane: number): number {
  return Math.imul(rotl((acc + Math.imul(lane, P2)) | 0, 13), P1)
}

function lane32(d: Uint8Array, i: number): number {
  return d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)
}

/** XXH32 of `data` with `seed`, as an unsigned 32-bit number. */
export function xxhash32(data: Uint8Array, seed = 0): number {
  const len = data.length
  let i = 0
  let h: number
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0
    let v2 = (seed + P2) | 0
    let v3 = seed | 0
    let v4 = (seed - P1) | 0
    for (; i + 16 <= len; i += 16) {
      v1 = round(v1, lane32(data, i))
      v2 = round(v2, lane32(data, i + 4))
      v3 = round(v3, lane32(data, i + 8))
      v4 = round(v4, lane32(data, i + 12))
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0
  } else {
    h = (seed + P5) | 0
  }
  h = (h + len) | 0
  for (; i + 4 <= len; i += 4) h = Math.imul(rotl((h + Math.imul(lane32(data, i), P3)) | 0, 17), P4)
  for (; i < len; i++) h = Math.imul(rotl((h + Math.imul(data[i], P5)) | 0, 11), P1)
  h ^= h >>> 15
  h = Math.imul(h, P2)
  h ^= h >>> 13
  h = Math.imul(h, P3)
  h ^= h >>> 16
  return h >>> 0
}
