/**
 * The client side of one fetch session with one broker (KIP-227, the Java client's
 * FetchSessionHandler; written from the KIP and the protocol guide).
 *
 * The first Fetch to a broker is a full one (session id 0, epoch 0: "make me a session"); when
 * the broker answers with a session id, later Fetches are incremental: they carry only the
 * partitions added or changed since the previous request (fetch offset, leader epochs, last
 * fetched epoch, partition max bytes, topic id), and list the partitions no longer wanted as
 * forgotten. The broker keeps the rest from its session and answers for every partition in the
 * session that has data or news.
 *
 * Epochs: a session's first incremental request has epoch 1, each answered one adds 1 (wrapping
 * to 1 after 2^31-1). An error of the whole Fetch (FETCH_SESSION_ID_NOT_FOUND,
 * INVALID_FETCH_SESSION_EPOCH, or any other, and a lost connection) makes the next request a full
 * one: with session id 0 when the broker no longer knows the session, else with the old id and
 * epoch 0, which closes the old session and opens a new one.
 *
 * No await, no I/O: the fetcher builds a request with {@link FetchSession.prepare} and reports its
 * outcome with {@link FetchSession.succeeded} / {@link FetchSession.failed}.
 */
import { ErrorCode } from '../protocol/error-codes.js'

/** What the fetcher wants fetched of one partition, as it would send it in a full fetch. */
export interface SessionPartition {
  /** partitionKey(topic, partition). */
  key: string
  topic: string
  partition: number
  /** The topic id the request names it by (ZERO_UUID below Fetch v13). */
  topicId: string
  fetchOffset: bigint
  currentLeaderEpoch: number
  lastFetchedEpoch: number
  partitionMaxBytes: number
}

/** One prepared Fetch: what to put in the session fields and which partitions to send. */
export interface SessionRequest {
  sessionId: number
  sessionEpoch: number
  /** A full fetch: `toSend` holds every wanted partition. */
  full: boolean
  /** Partitions to put in the request's topics. */
  toSend: SessionPartition[]
  /** Partitions to list in forgottenTopicsData (topic name and id they were sent under). */
  toForget: SessionPartition[]
  /** Every partition the answer may carry: the session's after this request. */
  wanted: Map<string, SessionPartition>
}

/** Session id 0: no session. */
export const INVALID_SESSION_ID = 0
/** Epoch of a full fetch that asks for a new session (or closes an old one and opens a new). */
export const INITIAL_EPOCH = 0
/** Epoch of a full fetch without a session (closes the session named in the request). */
export const FINAL_EPOCH = -1

/** The epoch after `epoch` (2^31-1 wraps to 1; 0 is only for full fetches). */
export function nextEpoch(epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH
  if (epoch === 0x7fffffff) return 1
  return epoch + 1
}

function sameRequest(a: SessionPartition, b: SessionPartition): boolean {
  return (
    a.fetchOffset === b.fetchOffset &&
    a.currentLeaderEpoch === b.currentLeaderEpoch &&
    a.lastFetchedEpoch === b.lastFetchedEpoch &&
    a.partitionMaxBytes === b.partitionMaxBytes &&
    a.topicId === b.topicId
  )
}

export class FetchSession {
  private sessionId = INVALID_SESSION_ID
  private epoch = INITIAL_EPOCH
  /** The partitions of the session as the broker has them (what was last sent for each). */
  private session = new Map<string, SessionPartition>()
  /** False after the broker showed it cannot keep sessions (Fetch below v7): every fetch is full. */
  private enabled: boolean

  constructor(enabled = true) {
    this.enabled = enabled
  }

  /** The current session id (0: none). */
  get id(): number {
    return this.sessionId
  }

  /** The epoch the next request carries. */
  get nextRequestEpoch(): number {
    return this.epoch
  }

  /** Partitions in the session (what the broker remembers). */
  get size(): number {
    return this.session.size
  }

  /**
   * The next request for `partitions` (every partition the fetcher wants from this broker now).
   * Incremental when a session is open: partitions new or changed since the last request are
   * sent, partitions of the session not wanted any more are forgotten.
   */
  prepare(partitions: readonly SessionPartition[]): SessionRequest {
    const wanted = new Map<string, SessionPartition>()
    for (const p of partitions) wanted.set(p.key, p)
    if (!this.enabled || this.sessionId === INVALID_SESSION_ID || this.epoch === INITIAL_EPOCH) {
      return {
        sessionId: this.enabled ? this.sessionId : INVALID_SESSION_ID,
        sessionEpoch: this.enabled ? INITIAL_EPOCH : FINAL_EPOCH,
        full: true,
        toSend: [...partitions],
        toForget: [],
        wanted,
      }
    }
    const toSend: SessionPartition[] = []
    const toForget: SessionPartition[] = []
    for (const p of partitions) {
      const before = this.session.get(p.key)
      if (before === undefined) {
        toSend.push(p)
      } else if (!sameRequest(before, p)) {
        // A re-created topic (new id) is a different partition to the broker: forget the old.
        if (before.topicId !== p.topicId) toForget.push(before)
        toSend.push(p)
      }
    }
    for (const [key, before] of this.session) if (!wanted.has(key)) toForget.push(before)
    // The answer may carry any partition of the session as it stands after this request.
    return { sessionId: this.sessionId, sessionEpoch: this.epoch, full: false, toSend, toForget, wanted }
  }

  /** The broker cannot keep sessions (Fetch below v7): from now on every fetch is full, sessionless. */
  disable(): void {
    this.enabled = false
    this.sessionId = INVALID_SESSION_ID
    this.epoch = INITIAL_EPOCH
    this.session.clear()
  }

  /**
   * The broker answered `request` without a top-level error; `responseSessionId` is the
   * response's session id (0: the broker keeps no session).
   */
  succeeded(request: SessionRequest, responseSessionId: number): void {
    if (!this.enabled) return
    if (request.full) {
      this.session = new Map(request.wanted)
      if (responseSessionId === INVALID_SESSION_ID) {
        // No session (the broker's cache is full, or it keeps none): ask again next time.
        this.sessionId = INVALID_SESSION_ID
        this.epoch = INITIAL_EPOCH
      } else {
        this.sessionId = responseSessionId
        this.epoch = nextEpoch(INITIAL_EPOCH)
      }
      return
    }
    if (responseSessionId === INVALID_SESSION_ID) {
      // The broker closed the session: start over with a full fetch.
      this.sessionId = INVALID_SESSION_ID
      this.epoch = INITIAL_EPOCH
      this.session.clear()
      return
    }
    for (const p of request.toForget) if (this.session.get(p.key) === p) this.session.delete(p.key)
    for (const p of request.toSend) this.session.set(p.key, p)
    this.epoch = nextEpoch(this.epoch)
  }

  /**
   * `request` failed: a top-level error code of the response (0 when the request itself failed,
   * e.g. the connection dropped). The next request is a full one.
   */
  failed(errorCode: number): void {
    if (!this.enabled) return
    this.session.clear()
    if (errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND) {
      this.sessionId = INVALID_SESSION_ID
    }
    // Otherwise keep the id: a full fetch with it and epoch 0 closes it and opens a new one.
    this.epoch = INITIAL_EPOCH
  }
}
