/**
 * Which of Kafka's JSON definitions become part of the client package (src/protocol/messages).
 *
 * The rule (docs/protocol.md, "Which APIs are generated"):
 * - definitions whose `validVersions` is `"none"` are skipped (APIs Kafka removed, KIP-896 and
 *   the ZooKeeper removal, keep a file holding only that);
 * - a request/response pair is generated when its `listeners` include `broker`: every request a
 *   client sends goes to a broker listener (the admin APIs that also list `controller` can be sent
 *   to a controller with bootstrap.controllers, KIP-919, and are generated too). APIs that only
 *   controllers accept (Raft: Vote, BeginQuorumEpoch, FetchSnapshot…; broker lifecycle:
 *   BrokerRegistration, BrokerHeartbeat, AlterPartition, Envelope, AllocateProducerIds…) are
 *   broker-to-controller or controller-to-controller traffic and stay out;
 * - a few APIs list `broker` but are only ever sent by one broker to another (BROKER_TO_BROKER);
 *   they stay out too. WriteTxnMarkers is not among them: the transaction coordinator sends it,
 *   but so does an admin aborting a hanging transaction (KIP-664, Java's Admin#abortTransaction);
 * - headers, and the data messages a client reads or writes (CLIENT_DATA), are generated; other
 *   data messages (Raft log records, on-disk formats, the Envelope principal) are not.
 */
import { buildMessages } from './model.js'
import { loadRawMessages, type MessageSpec, type RawMessage } from './spec.js'

/** APIs with a broker listener whose only sender is another broker. */
export const BROKER_TO_BROKER: ReadonlySet<string> = new Set([
  'InitializeShareGroupState', // share-partition leader → share coordinator (KIP-932)
  'ReadShareGroupState',
  'WriteShareGroupState',
  'DeleteShareGroupState',
  'ReadShareGroupStateSummary',
])

/** Data (non-request) messages a client encodes or decodes. */
export const CLIENT_DATA: ReadonlySet<string> = new Set([
  'ConsumerProtocolSubscription', // JoinGroup metadata of the classic consumer protocol
  'ConsumerProtocolAssignment', // SyncGroup assignment
  'ControlRecordTypeSchema', // key of a control record (transaction markers)
  'EndTxnMarker', // value of a COMMIT/ABORT control record
])

export interface Selection {
  /** The messages to generate, in file order. */
  messages: MessageSpec[]
  /** Definition files left out, with the reason. */
  skipped: { file: string; reason: string }[]
}

function apiName(raw: RawMessage): string {
  return raw.name.replace(/(Request|Response)$/, '')
}

/** Why a definition is left out of the client package, or undefined when it is generated. */
export function exclusionReason(raw: RawMessage, listenersOfApi: ReadonlyMap<number, readonly string[]>): string | undefined {
  if (raw.validVersions.trim() === 'none') return 'validVersions "none"'
  if (raw.type === 'header') return undefined
  if (raw.type === 'data') return CLIENT_DATA.has(raw.name) ? undefined : 'data message no client uses'
  if (BROKER_TO_BROKER.has(apiName(raw))) return 'sent by brokers to brokers only'
  // Responses carry no listeners: they follow their request.
  const listeners = raw.type === 'request' ? raw.listeners ?? [] : listenersOfApi.get(raw.apiKey ?? -1) ?? []
  if (!listeners.includes('broker')) return `listeners ${JSON.stringify(listeners)}: not sent by clients`
  return undefined
}

/** Loads a definitions directory and keeps what the client package generates. */
export function selectClientMessages(definitionsDir: string): Selection {
  const raws = loadRawMessages(definitionsDir)
  const listenersOfApi = new Map<number, readonly string[]>()
  for (const { raw } of raws) {
    if (raw.type === 'request' && raw.apiKey !== undefined) listenersOfApi.set(raw.apiKey, raw.listeners ?? [])
  }
  const kept: typeof raws = []
  const skipped: Selection['skipped'] = []
  for (const r of raws) {
    const reason = exclusionReason(r.raw, listenersOfApi)
    if (reason === undefined) kept.push(r)
    else skipped.push({ file: r.file, reason })
  }
  return { messages: buildMessages(kept), skipped }
}
