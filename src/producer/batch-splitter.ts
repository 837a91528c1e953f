/**
 * Splitting a batch the broker rejected with MESSAGE_TOO_LARGE (Java's
 * `RecordAccumulator.splitAndReenqueue`): its records are decoded back from the batch as sent
 * (decompressed if need be), cut in two halves of about equal bytes, and each half is encoded
 * again with the same codec. Halving again on every rejection converges on batches the broker
 * accepts (its `max.message.bytes`, which the producer does not know) in log2(records) rounds;
 * a single record the broker still rejects fails on its own. The normal path pays nothing: no
 * record is kept for this besides the encoded batch.
 */
import { KafkaError } from '../errors.js'
import type { CompressionCodec } from '../protocol/compression/codec.js'
import { decodeRecordBatches } from '../protocol/records/record-batch-decoder.js'
import type { DecodedRecord } from '../protocol/records/record.js'
import { incrementSequence, ProducerBatch } from './producer-batch.js'

/** Rough bytes of one record, to balance the halves. */
function weight(r: DecodedRecord): number {
  let n = 16 + (r.key?.length ?? 0) + (r.value?.length ?? 0)
  for (let i = 0; i < r.headers.length; i++) n += 4 + r.headers[i].key.length + (r.headers[i].value?.length ?? 0)
  return n
}

/**
 * Two batches holding `big`'s records in order (the first about half its bytes), encoded with
 * `compression`, closed and finished. They keep `big`'s delivery targets, deadline, send order,
 * attempts and buffer charge (split in proportion); when `big` had a sequence, the halves take
 * its range (base, base + first half's count) under the same producer id and epoch, stamped in
 * their encoded bytes, so batches sent after `big` keep theirs.
 * @throws KafkaError when `big` has fewer than 2 records or cannot be decoded or encoded again.
 */
export async function splitBatch(big: ProducerBatch, compression: CompressionCodec, compressionLevel: number | undefined): Promise<ProducerBatch[]> {
  if (big.count < 2 || big.encoded === null) throw new KafkaError(`cannot split a batch of ${big.count} record(s) for ${big.topic}-${big.partition}`, { code: 'ENCODE_FAILED' })
  const decoded = await decodeRecordBatches(big.encoded, { topic: big.topic, partition: big.partition, checkCrc: false })
  const records = decoded.length === 1 ? decoded[0].records : []
  if (records.length !== big.count) {
    throw new KafkaError(`splitting the batch for ${big.topic}-${big.partition}: decoded ${records.length} of its ${big.count} records`, { code: 'ENCODE_FAILED' })
  }
  let total = 0
  for (const r of records) total += weight(r)
  let cut = 1
  for (let sum = weight(records[0]); cut < records.length - 1 && sum * 2 < total; cut++) sum += weight(records[cut])
  const pieces: ProducerBatch[] = []
  let reservedLeft = big.reservedBytes
  for (const [from, to] of [
    [0, cut],
    [cut, records.length],
  ]) {
    let bytes = 64
    for (let i = from; i < to; i++) bytes += weight(records[i])
    const piece = new ProducerBatch(big.topic, big.partition, big.createdAt, 0, compression, compressionLevel, bytes, big.transactional, big.baseSequence >= 0)
    piece.deadline = big.deadline
    for (let i = from; i < to; i++) {
      const r = records[i]
      piece.append({ key: r.key, value: r.value, headers: r.headers, timestamp: big.timestampAt(i) }, big.targetAt(i), big.indexAt(i), 0, big.records?.[i] ?? null)
    }
    piece.reservedBytes = to === records.length ? reservedLeft : Math.floor((big.reservedBytes * (to - from)) / big.count)
    reservedLeft -= piece.reservedBytes
    piece.sendOrder = big.sendOrder
    piece.splitOffset = big.splitOffset + from
    piece.attempts = big.attempts
    piece.lastError = big.lastError
    piece.close()
    if (piece.finishing !== null) await piece.finishing
    if (piece.finishError !== null) {
      throw new KafkaError(`splitting the batch for ${big.topic}-${big.partition}: ${String(piece.finishError)}`, { code: 'ENCODE_FAILED', cause: piece.finishError })
    }
    if (big.baseSequence >= 0) piece.stamp(big.producerId, big.producerEpoch, incrementSequence(big.baseSequence, from))
    pieces.push(piece)
  }
  return pieces
}
