/**
 * Which version of an API a client uses with a broker: the newest both sides support, within the
 * versions the generated code carries (src/protocol/messages/versions.ts, without versions Kafka
 * marks unstable) and below the caps of VERSION_CAPS.
 */
import { API_VERSION_RANGES } from './messages/versions.js'

/**
 * The highest version the client code may use per API key, where the generated code carries
 * newer versions that the code sending the API does not fill in yet. The one place to lift.
 *
 * Produce v13, OffsetCommit v10, OffsetFetch v10 and Fetch v13+ name topics by id: their
 * senders take the ids from the cluster's topic-id cache (src/pool/cluster.ts, filled from
 * Metadata) and are no longer capped. TxnOffsetCommit v6 stays capped: the transactional
 * producer sends v5 (what transactions v2, KIP-890, need) with topic names. AddPartitionsToTxn
 * v4+ batches several transactional ids and is for brokers (KIP-890 verification); clients send v3.
 * The transactional producer also picks Produce (v11 or v12+), EndTxn (v4 or v5) and
 * TxnOffsetCommit (v4 or v5) per request by the transaction version (SendOptions.maxVersion).
 */
export const VERSION_CAPS: ReadonlyMap<number, { readonly max: number; readonly why: string }> = new Map([
  [24, { max: 3, why: 'AddPartitionsToTxn v4+ is the broker-to-broker form (KIP-890); clients send v3' }],
  [28, { max: 5, why: 'TxnOffsetCommit v6 names topics by id; the transactional producer sends v5 with names' }],
])

/** One past the highest API key the client package carries. */
export const API_KEY_LIMIT = API_VERSION_RANGES.length

/** The lowest and highest version the client may use for `apiKey`, or undefined when it carries none. */
export function clientVersionRange(apiKey: number): readonly [number, number] | undefined {
  const range = API_VERSION_RANGES[apiKey]
  if (range === undefined) return undefined
  const cap = VERSION_CAPS.get(apiKey)
  const max = cap === undefined ? range[1] : Math.min(range[1], cap.max)
  return max >= range[0] ? [range[0], max] : undefined
}

/** The newest version of `apiKey` both the client and a broker offering `brokerMin`-`brokerMax` support, or -1. */
export function negotiateVersion(apiKey: number, brokerMin: number, brokerMax: number): number {
  const ours = clientVersionRange(apiKey)
  if (ours === undefined) return -1
  const max = Math.min(ours[1], brokerMax)
  return max >= Math.max(ours[0], brokerMin) ? max : -1
}
