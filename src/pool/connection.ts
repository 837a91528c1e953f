/**
 * One connection to one broker: 4-byte framing, correlation ids, pipelined requests (bounded by
 * `maxInFlightRequests`), per-request timeouts, ApiVersions negotiation, SASL (KIP-43, KIP-152,
 * re-authentication KIP-368), TLS and HTTP CONNECT proxies.
 *
 * Invariants: a request is written at most once; every request's promise settles exactly once
 * (response, timeout, or connection failure); a response whose request timed out is read whole
 * and dropped, so later responses stay in sync.
 */
import type net from 'node:net'
import {
  AuthenticationError,
  ConnectionError,
  KafkaError,
  KafkaProtocolError,
  RequestTimeoutError,
  UnsupportedVersionError,
} from '../errors.js'
import type { ApiDefinition } from '../protocol/api.js'
import { ErrorCode, responseError } from '../protocol/error-codes.js'
import { ClientErrorCode } from '../client-error-codes.js'
import { ApiVersions, type ApiVersionsResponse } from '../protocol/messages/api-versions.js'
import { SaslAuthenticate } from '../protocol/messages/sasl-authenticate.js'
import { SaslHandshake } from '../protocol/messages/sasl-handshake.js'
import { API_KEY_LIMIT, negotiateVersion } from '../protocol/negotiation.js'
import { Reader } from '../protocol/reader.js'
import { Writer } from '../protocol/writer.js'
import type { ConnectionHealth } from '../client-errors.js'
import { Log } from '../logger.js'
import { FrameReader } from './frame-reader.js'
import { FrameSplitter } from './framing.js'
import { saslMechanism, type SaslExchange, type SaslOptions } from './sasl/index.js'
import type { Duplex } from 'node:stream'
import { openSocket, type ProxyOptions, readsDirectly, type SocketFactory, type SocketTarget, type TlsOptions } from './socket.js'

import { requestChannel, responseChannel, type RequestMessage, type ResponseMessage } from '../diagnostics.js'

/** Diagnostics channels carrying every request and response (defined in src/diagnostics.ts). */
export { requestChannel, responseChannel }

export interface ConnectionOptions {
  host: string
  port: number
  /** Broker node id, or -1 for a bootstrap address. */
  nodeId?: number
  clientId?: string | null
  tls?: TlsOptions | null
  proxy?: ProxyOptions | null
  /** Makes the byte stream to the broker instead of a TCP connect. */
  socketFactory?: SocketFactory | null
  sasl?: SaslOptions | null
  /** Default 10000 ms. */
  connectTimeoutMs?: number
  /** Default 30000 ms. */
  requestTimeoutMs?: number
  /** Requests written and not yet answered, at most. Default 5 (Java's max.in.flight.requests.per.connection). */
  maxInFlightRequests?: number
  /** Largest response frame accepted. Default 256 MiB. */
  maxResponseBytes?: number
  log?: Log
  /** Told of every connection attempt's outcome (the client's `error` event, src/client-errors.ts). */
  health?: ConnectionHealth | null
  softwareName?: string
  softwareVersion?: string
}

export interface SendOptions {
  /** Per-request timeout in ms (default: the connection's requestTimeoutMs). */
  timeoutMs?: number
  /** The request has no response (Produce with acks=0): resolves once written. */
  noResponse?: boolean
  /**
   * Use at most this version (when the negotiated one is newer): for requests whose version
   * carries a protocol choice, e.g. Produce v12+ and EndTxn v5 mean transactions v2 (KIP-890).
   */
  maxVersion?: number
}

interface Pending {
  correlationId: number
  apiKey: number
  apiName: string
  version: number
  responseHeaderVersion: number
  decode: (r: Reader) => unknown
  resolve: (value: unknown) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout | null
  startedAt: number
}

const SASL_HANDSHAKE_KEY = SaslHandshake.apiKey
const SASL_AUTHENTICATE_KEY = SaslAuthenticate.apiKey

interface Queued {
  frame: Buffer
  /** A SaslHandshake or SaslAuthenticate: the only writes let through during re-authentication. */
  auth: boolean
  pending: Pending | null
  onWritten: (() => void) | null
  onFailed: ((err: Error) => void) | null
  timeoutMs: number
}

type State = 'new' | 'connecting' | 'ready' | 'closing' | 'closed'

/** Skips a tagged-field section (KIP-482) of a flexible header. */
function skipTaggedFields(r: Reader): void {
  const n = r.uvarint()
  for (let i = 0; i < n; i++) {
    r.uvarint()
    r.skip(r.uvarint())
  }
}

let nextConnectionId = 1

export class Connection {
  /** Unique within the process: tells connections apart in the diagnostics channels. */
  readonly id = nextConnectionId++
  readonly host: string
  readonly port: number
  readonly nodeId: number
  private readonly options: ConnectionOptions
  private readonly log: Log
  private readonly requestTimeoutMs: number
  private readonly maxInFlight: number
  private socket: Duplex | null = null
  private state: State = 'new'
  private connecting: Promise<void> | null = null
  private correlationId = 0
  private readonly pending = new Map<number, Pending>()
  private readonly queue: Queued[] = []
  private written = 0
  private awaitingConnect = 0
  private holdForReauth = false
  private reauthTimer: NodeJS.Timeout | null = null
  private closeWaiters: Array<() => void> = []
  private failure: KafkaError | null = null
  /** Highest usable version per API key, -1 where none; filled by ApiVersions. */
  private readonly versions = new Int16Array(API_KEY_LIMIT).fill(-1)
  private features: ReadonlyMap<string, number> = new Map()
  private readonly maxResponseBytes: number
  private readonly splitter: FrameSplitter

  constructor(options: ConnectionOptions) {
    this.options = options
    this.host = options.host
    this.port = options.port
    this.nodeId = options.nodeId ?? -1
    this.log = options.log ?? new Log()
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.maxInFlight = Math.max(1, options.maxInFlightRequests ?? 5)
    this.maxResponseBytes = options.maxResponseBytes ?? 256 * 1024 * 1024
    this.splitter = new FrameSplitter(this.maxResponseBytes)
  }

  /** Requests waiting for the connection to be ready, queued, or written and not yet answered. */
  get inFlight(): number {
    return this.pending.size + this.queue.length + this.awaitingConnect
  }

  /** Requests written to the socket since the connection opened. */
  get requestsSent(): number {
    return this.written
  }

  /** True once connected, negotiated and authenticated, and not closing. */
  get ready(): boolean {
    return this.state === 'ready'
  }

  get closed(): boolean {
    return this.state === 'closed' || this.state === 'closing'
  }

  /** The error that closed this connection, if any. */
  get error(): KafkaError | null {
    return this.failure
  }

  toString(): string {
    return `${this.host}:${this.port}${this.nodeId >= 0 ? ` (node ${this.nodeId})` : ''}`
  }

  /**
   * Opens the socket, negotiates API versions and authenticates. Idempotent while in progress.
   * Rejects with ConnectionError, AuthenticationError or UnsupportedVersionError.
   */
  connect(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve()
    if (this.connecting) return this.connecting
    if (this.state !== 'new') return Promise.reject(this.failure ?? new ConnectionError(`connection to ${this} is closed`, ClientErrorCode.CONNECTION_CLOSED))
    this.state = 'connecting'
    this.connecting = this.doConnect().then(
      () => {
        this.connecting = null
        if (this.state === 'connecting') this.state = 'ready'
      },
      (err: unknown) => {
        this.connecting = null
        const e = err instanceof KafkaError ? err : new ConnectionError(`connect to ${this} failed: ${(err as Error).message}`, ClientErrorCode.CONNECTION_ERROR, err)
        this.destroy(e)
        throw e
      },
    )
    // Callers get the rejection; a connect nobody waits for must not be an unhandled rejection.
    this.connecting.catch(() => {})
    return this.connecting
  }

  private async doConnect(): Promise<void> {
    const o = this.options
    this.log.debug('broker', { host: this.host, port: this.port, nodeId: this.nodeId }, 'connecting')
    const frames = new FrameReader(this.maxResponseBytes, (frame) => this.onFrame(frame))
    const target: SocketTarget = {
      host: this.host,
      port: this.port,
      tls: o.tls ?? null,
      proxy: o.proxy ?? null,
      socketFactory: o.socketFactory ?? null,
      nodeId: this.nodeId,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      directReader: {
        next: () => frames.next(),
        read: (n) => this.onRead(frames, n),
      },
    }
    const socket = await openSocket(target)
    if (this.state !== 'connecting') {
      socket.destroy()
      throw this.failure ?? new ConnectionError(`connection to ${this} closed while connecting`, ClientErrorCode.CONNECTION_CLOSED)
    }
    this.socket = socket
    if (!readsDirectly(target)) socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (err) => this.destroy(new ConnectionError(`connection to ${this} failed: ${err.message}`, ClientErrorCode.CONNECTION_ERROR, err)))
    socket.on('close', () => this.destroy(new ConnectionError(`connection to ${this} closed by the broker`, ClientErrorCode.CONNECTION_CLOSED)))
    socket.resume()
    await this.negotiateVersions()
    if (o.sasl) await this.authenticate(false)
    this.log.debug('broker', { host: this.host, port: this.port, nodeId: this.nodeId }, 'connected')
  }

  private async negotiateVersions(): Promise<void> {
    let version = ApiVersions.maxVersion
    for (let attempt = 0; attempt < 2; attempt++) {
      const v = version
      const res = await this.rawRequest<ApiVersionsResponse>(ApiVersions as ApiDefinition<unknown, unknown>, v, {
        clientSoftwareName: this.options.softwareName ?? 'kafkats',
        clientSoftwareVersion: this.options.softwareVersion ?? '0.1.0',
      }, (r) => {
        // A broker that doesn't know version v answers UNSUPPORTED_VERSION in the v0 format.
        const errorCode = r.buf.readInt16BE(r.offset)
        return ApiVersions.decodeResponse(r, errorCode === ErrorCode.UNSUPPORTED_VERSION ? 0 : v)
      })
      if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        const ours = res.apiKeys.find((k) => k.apiKey === ApiVersions.apiKey)
        if (!ours || ours.maxVersion >= version) throw new UnsupportedVersionError(`${this}: broker rejected every ApiVersions version`)
        version = Math.min(ours.maxVersion, ApiVersions.maxVersion)
        continue
      }
      if (res.errorCode !== 0) throw responseError(res.errorCode, null, `ApiVersions from ${this}`)
      for (const k of res.apiKeys) {
        if (k.apiKey >= 0 && k.apiKey < API_KEY_LIMIT) this.versions[k.apiKey] = negotiateVersion(k.apiKey, k.minVersion, k.maxVersion)
      }
      // KIP-584: the cluster-wide finalized feature levels, valid when their epoch is >= 0.
      if (res.finalizedFeatures !== undefined && (res.finalizedFeaturesEpoch ?? -1n) >= 0n) {
        this.features = new Map(res.finalizedFeatures.map((f) => [f.name, f.maxVersionLevel]))
      }
      return
    }
    throw new UnsupportedVersionError(`${this}: ApiVersions negotiation failed`)
  }

  /** The version to use for `api` with this broker (highest both support). Throws UnsupportedVersionError. */
  version(api: ApiDefinition<unknown, unknown>): number {
    const v = this.versions[api.apiKey]
    if (v === undefined || v < 0) {
      throw new UnsupportedVersionError(`broker ${this} supports no version of ${api.name} (API key ${api.apiKey}) that kafkats knows (${api.minVersion}-${api.maxVersion})`)
    }
    return v
  }

  /**
   * The cluster's finalized level of a feature (KIP-584) as this broker's ApiVersions answer gave
   * it when the connection opened (e.g. 'transaction.version', 'metadata.version'); 0 when the
   * broker names none (older brokers, or the feature is not enabled).
   */
  finalizedFeature(name: string): number {
    return this.features.get(name) ?? 0
  }

  /** Whether the broker supports some version of `api`. */
  supports(api: ApiDefinition<unknown, unknown>): boolean {
    const v = this.versions[api.apiKey]
    return v !== undefined && v >= 0
  }

  /**
   * Runs one SASL exchange (KIP-43, KIP-152) with the configured mechanism, built-in or the
   * user's: SaslHandshake, then SaslAuthenticate until the mechanism says it is done. The only
   * place an exchange runs, on connect and on re-authentication (KIP-368). Throws
   * AuthenticationError: rejected by the broker, mechanism not enabled, or the mechanism failed.
   */
  private async authenticate(reauthentication: boolean): Promise<void> {
    const mechanism = saslMechanism(this.options.sasl as SaslOptions)
    const name = mechanism.name
    this.log.debug('security', { mechanism: name, broker: this.toString(), reauthentication }, 'SASL handshake')
    const hs = await this.rawRequest(SaslHandshake as ApiDefinition<unknown, unknown>, this.version(SaslHandshake as ApiDefinition<unknown, unknown>), { mechanism: name }, null) as { errorCode: number; mechanisms: string[] }
    if (hs.errorCode !== 0) {
      throw new AuthenticationError(`${this}: SASL mechanism ${name} is not enabled on this listener (enabled: ${hs.mechanisms.join(', ') || 'none'})`)
    }
    const authApi = SaslAuthenticate as ApiDefinition<unknown, unknown>
    const authVersion = this.version(authApi)
    const exchange = await this.saslStep(name, 'createExchange', () => mechanism.createExchange({ host: this.host, port: this.port, nodeId: this.nodeId, reauthentication }))
    if (typeof exchange !== 'object' || exchange === null || typeof (exchange as SaslExchange).start !== 'function' || typeof (exchange as SaslExchange).next !== 'function') {
      throw new AuthenticationError(`${this}: SASL ${name}: createExchange returned no exchange (an object with start and next)`)
    }
    let out: Uint8Array | null = await this.saslStep(name, 'start', () => exchange.start())
    let lifetimeMs = 0n
    while (out !== null) {
      if (!(out instanceof Uint8Array)) throw new AuthenticationError(`${this}: SASL ${name}: the exchange returned ${typeof out}, not a Uint8Array or null`)
      const res = await this.rawRequest(authApi, authVersion, { authBytes: Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength) }, null) as { errorCode: number; errorMessage: string | null; authBytes: Buffer; sessionLifetimeMs?: bigint }
      if (res.errorCode !== 0) {
        const info = responseError(res.errorCode, res.errorMessage)
        throw new AuthenticationError(`${this}: SASL ${name} authentication failed: ${res.errorMessage ?? info.message}`, info)
      }
      lifetimeMs = res.sessionLifetimeMs ?? 0n
      const challenge = res.authBytes
      out = await this.saslStep(name, 'next', () => exchange.next(challenge))
    }
    this.log.debug('security', { mechanism: name, broker: this.toString(), sessionLifetimeMs: Number(lifetimeMs), reauthentication }, 'SASL authenticated')
    if (lifetimeMs > 0n) this.scheduleReauth(Number(lifetimeMs))
  }

  /** Calls one step of a mechanism; anything it throws becomes an AuthenticationError (a KafkaError passes through). */
  private async saslStep<T>(name: string, step: string, fn: () => T | Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof KafkaError) throw err
      throw new AuthenticationError(`${this}: SASL ${name} mechanism failed in ${step}: ${err instanceof Error ? err.message : String(err)}`, err)
    }
  }

  private scheduleReauth(lifetimeMs: number): void {
    if (this.reauthTimer) clearTimeout(this.reauthTimer)
    // Like the Java client: somewhere in 85%-95% of the session lifetime.
    const delay = Math.max(0, Math.floor(lifetimeMs * (0.85 + Math.random() * 0.1)))
    this.reauthTimer = setTimeout(() => {
      this.reauthTimer = null
      void this.reauthenticate()
    }, delay)
    this.reauthTimer.unref()
  }

  /** KIP-368: pause new writes, wait for in-flight responses, authenticate again, resume. */
  private async reauthenticate(): Promise<void> {
    if (this.state !== 'ready') return
    this.holdForReauth = true
    try {
      while (this.pending.size > 0 && this.state === 'ready') {
        await new Promise<void>((resolve) => this.closeWaiters.push(resolve))
      }
      if (this.state !== 'ready') return
      this.log.debug('security', { broker: this.toString() }, 're-authenticating (KIP-368)')
      // Still held: only the SASL requests go out until the exchange ends (the broker takes
      // nothing else in between, and closes the connection if it gets anything else).
      await this.authenticate(true)
    } catch (err) {
      this.destroy(err instanceof KafkaError ? err : new AuthenticationError(`${this}: re-authentication failed`, err))
      return
    } finally {
      this.holdForReauth = false
    }
    this.drainQueue()
  }

  /**
   * Sends a request with the negotiated version (or `version`) and resolves with the decoded
   * response. Rejects with ConnectionError (retriable) if the connection fails before the
   * response, RequestTimeoutError after `timeoutMs`, KafkaProtocolError on a bad response.
   * Broker error codes inside the response are NOT turned into errors here.
   */
  async send<Req, Res>(api: ApiDefinition<Req, Res>, msg: Req, options: SendOptions & { version?: number } = {}): Promise<Res> {
    if (this.state !== 'ready') {
      this.awaitingConnect++
      try {
        await this.connect()
      } finally {
        this.awaitingConnect--
      }
    }
    const version = options.version ?? this.version(api as ApiDefinition<unknown, unknown>)
    return this.rawRequest(api as ApiDefinition<unknown, unknown>, version, msg, null, options) as Promise<Res>
  }

  /**
   * Like {@link send}, with the message built for the negotiated version by `build(version)`.
   * Counts as in flight from the call on, also while the connection is still being opened.
   */
  async request<Req, Res>(api: ApiDefinition<Req, Res>, build: (version: number) => Req, options: SendOptions = {}): Promise<Res> {
    if (this.state !== 'ready') {
      this.awaitingConnect++
      try {
        await this.connect()
      } finally {
        this.awaitingConnect--
      }
    }
    const negotiated = this.version(api as ApiDefinition<unknown, unknown>)
    const version = options.maxVersion !== undefined && options.maxVersion < negotiated ? Math.max(options.maxVersion, api.minVersion) : negotiated
    return this.rawRequest(api as ApiDefinition<unknown, unknown>, version, build(version), null, options) as Promise<Res>
  }

  private rawRequest<T = unknown>(
    api: ApiDefinition<unknown, unknown>,
    version: number,
    msg: unknown,
    decode: ((r: Reader) => unknown) | null,
    options: SendOptions = {},
  ): Promise<T> {
    if (this.state === 'closed' || this.state === 'closing' || !this.socket) {
      return Promise.reject(this.failure ?? new ConnectionError(`connection to ${this} is closed`, ClientErrorCode.CONNECTION_CLOSED))
    }
    const correlationId = this.correlationId
    this.correlationId = (this.correlationId + 1) & 0x7fffffff
    const w = new Writer(128)
    const sizeAt = w.reserve(4)
    const headerVersion = api.requestHeaderVersion(version)
    w.int16(api.apiKey)
    w.int16(version)
    w.int32(correlationId)
    if (headerVersion >= 1) w.string(this.options.clientId ?? null)
    if (headerVersion >= 2) w.uvarint(0)
    try {
      api.encodeRequest(w, version, msg)
    } catch (err) {
      return Promise.reject(err instanceof KafkaError ? err : new KafkaProtocolError(`encoding ${api.name} v${version} failed: ${(err as Error).message}`, -1, '', err))
    }
    w.int32At(sizeAt, w.offset - 4)
    const frame = w.view()
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs
    if (requestChannel.hasSubscribers) {
      requestChannel.publish({ connectionId: this.id, nodeId: this.nodeId, host: this.host, port: this.port, apiKey: api.apiKey, apiName: api.name, version, correlationId, request: msg } satisfies RequestMessage)
    }
    if (this.log.on('protocol')) this.log.debug('protocol', { broker: this.toString(), api: api.name, version, correlationId, bytes: frame.length }, 'request')
    if (options.noResponse) {
      return new Promise<T>((resolve, reject) => {
        this.enqueue({ frame, auth: false, pending: null, timeoutMs, onWritten: () => resolve(undefined as T), onFailed: reject })
      })
    }
    return new Promise<T>((resolve, reject) => {
      const p: Pending = {
        correlationId,
        apiKey: api.apiKey,
        apiName: api.name,
        version,
        responseHeaderVersion: api.responseHeaderVersion(version),
        decode: decode ?? ((r) => api.decodeResponse(r, version)),
        resolve: resolve as (v: unknown) => void,
        reject,
        timer: null,
        startedAt: performance.now(),
      }
      this.enqueue({ frame, auth: api.apiKey === SASL_HANDSHAKE_KEY || api.apiKey === SASL_AUTHENTICATE_KEY, pending: p, timeoutMs, onWritten: null, onFailed: null })
    })
  }

  private enqueue(q: Queued): void {
    if (q.pending) {
      const p = q.pending
      p.timer = setTimeout(() => this.onTimeout(p, q.timeoutMs), q.timeoutMs)
    }
    this.queue.push(q)
    this.drainQueue()
  }

  private drainQueue(): void {
    const socket = this.socket
    if (!socket || this.state === 'closed') return
    while (this.queue.length > 0 && this.pending.size < this.maxInFlight) {
      let q: Queued
      if (this.holdForReauth) {
        // Re-authenticating (KIP-368): the SASL exchange goes ahead of everything queued.
        const i = this.queue.findIndex((x) => x.auth)
        if (i < 0) break
        q = this.queue.splice(i, 1)[0]
      } else q = this.queue.shift() as Queued
      if (q.pending) this.pending.set(q.pending.correlationId, q.pending)
      this.written++
      socket.write(q.frame)
      if (q.onWritten) q.onWritten()
    }
  }

  private onTimeout(p: Pending, timeoutMs: number): void {
    p.timer = null
    const err = new RequestTimeoutError(`${p.apiName} v${p.version} to ${this} got no response within ${timeoutMs} ms`)
    if (responseChannel.hasSubscribers) {
      responseChannel.publish({ connectionId: this.id, nodeId: this.nodeId, host: this.host, port: this.port, apiKey: p.apiKey, apiName: p.apiName, version: p.version, correlationId: p.correlationId, durationMs: performance.now() - p.startedAt, response: undefined, error: err } satisfies ResponseMessage)
    }
    const inQueue = this.queue.findIndex((q) => q.pending === p)
    if (inQueue >= 0) {
      // Never written: the connection is only busy, and the requests ahead of it time out first.
      this.queue.splice(inQueue, 1)
      p.reject(err)
      this.notifyDrained()
      this.drainQueue()
      return
    }
    // Written and unanswered: the peer may be gone without a FIN or RST (a dead NAT entry, a hung
    // broker), and the broker answers a connection in order, so nothing behind it would come back
    // either. Drop the connection, as the Java client does; the pool opens a new one on the next
    // lease, and the other requests on it fail retriable.
    this.pending.delete(p.correlationId)
    p.reject(err)
    this.destroy(new ConnectionError(`connection to ${this} dropped: ${p.apiName} v${p.version} got no response within ${timeoutMs} ms`, ClientErrorCode.CONNECTION_TIMED_OUT))
  }

  private onRead(frames: FrameReader, n: number): void {
    try {
      frames.read(n)
    } catch (err) {
      this.destroy(err instanceof KafkaError ? err : new KafkaProtocolError(`bad frame from ${this}: ${(err as Error).message}`, -1, '', err))
    }
  }

  private onData(chunk: Buffer): void {
    try {
      this.splitter.push(chunk, (frame) => this.onFrame(frame))
    } catch (err) {
      this.destroy(err instanceof KafkaError ? err : new KafkaProtocolError(`bad frame from ${this}: ${(err as Error).message}`, -1, '', err))
    }
  }

  private onFrame(frame: Buffer): void {
    if (frame.length < 4) throw new KafkaProtocolError(`response frame of ${frame.length} bytes from ${this} has no correlation id`, 0)
    const correlationId = frame.readInt32BE(0)
    // A broker answers a connection in order, and a written request that times out drops the
    // connection, so the answer must be the oldest request in flight. Anything else is a broken
    // peer (Java's NetworkClient throws on it too): the connection is dropped with a KafkaProtocolError.
    const oldest = this.pending.keys().next()
    if (oldest.done === true || oldest.value !== correlationId) {
      throw new KafkaProtocolError(`response with correlation id ${correlationId} from ${this}, expected ${oldest.done === true ? 'none (no request in flight)' : oldest.value}`, 0)
    }
    const p = this.pending.get(correlationId)!
    this.pending.delete(correlationId)
    if (p.timer) clearTimeout(p.timer)
    p.timer = null
    let result: unknown
    let error: Error | null = null
    try {
      const r = new Reader(frame, 4)
      if (p.responseHeaderVersion >= 1) skipTaggedFields(r)
      result = p.decode(r)
    } catch (err) {
      error = err instanceof KafkaError ? err : new KafkaProtocolError(`decoding ${p.apiName} v${p.version} from ${this}: ${(err as Error).message}`, -1, '', err)
    }
    if (responseChannel.hasSubscribers) {
      responseChannel.publish({ connectionId: this.id, nodeId: this.nodeId, host: this.host, port: this.port, apiKey: p.apiKey, apiName: p.apiName, version: p.version, correlationId, durationMs: performance.now() - p.startedAt, response: result, error } satisfies ResponseMessage)
    }
    if (error) {
      p.reject(error)
      // A complete frame that does not decode comes from a broken peer: drop the connection, as
      // for bad framing, so the next request gets a fresh one instead of more of the same.
      this.destroy(new ConnectionError(`connection to ${this} dropped: a ${p.apiName} v${p.version} response did not decode`, ClientErrorCode.CONNECTION_ERROR, error))
      return
    }
    p.resolve(result)
    this.notifyDrained()
    this.drainQueue()
  }

  private notifyDrained(): void {
    if (this.pending.size === 0 && this.closeWaiters.length > 0) {
      const waiters = this.closeWaiters
      this.closeWaiters = []
      for (const w of waiters) w()
    }
  }

  /** Waits for every queued and in-flight request to settle, then closes the socket. */
  async close(): Promise<void> {
    if (this.state === 'closed') return
    if (this.state === 'connecting') {
      try {
        await this.connecting
      } catch {
        return
      }
    }
    if (this.state === 'new') {
      this.state = 'closed'
      return
    }
    this.state = 'closing'
    while (this.pending.size > 0 || this.queue.length > 0) {
      await new Promise<void>((resolve) => this.closeWaiters.push(resolve))
      if (this.socket === null) break
    }
    this.shutdown(null)
  }

  /** Closes now: every queued and in-flight request rejects with a retriable ConnectionError (or `err`). */
  destroy(err?: KafkaError): void {
    if (this.state === 'closed') return
    this.shutdown(err ?? new ConnectionError(`connection to ${this} was destroyed`, ClientErrorCode.CONNECTION_DESTROYED))
  }

  private shutdown(err: KafkaError | null): void {
    this.state = 'closed'
    if (err) {
      this.failure = err
      if (!(err.code === ClientErrorCode.CONNECTION_DESTROYED)) this.log.debug('broker', { broker: this.toString(), error: err.message }, 'connection closed')
    }
    if (this.reauthTimer) clearTimeout(this.reauthTimer)
    this.reauthTimer = null
    const socket = this.socket
    this.socket = null
    if (socket) {
      socket.removeAllListeners('data')
      socket.removeAllListeners('close')
      socket.on('error', () => {})
      if (err) socket.destroy()
      else socket.end()
    }
    const failure = err ?? new ConnectionError(`connection to ${this} closed`, ClientErrorCode.CONNECTION_CLOSED)
    const pending = [...this.pending.values()]
    this.pending.clear()
    const queued = this.queue.splice(0)
    for (const p of pending) {
      if (p.timer) clearTimeout(p.timer)
      p.reject(failure)
    }
    for (const q of queued) {
      if (q.pending) {
        if (q.pending.timer) clearTimeout(q.pending.timer)
        q.pending.reject(failure)
      }
      if (q.onFailed) q.onFailed(failure)
    }
    const waiters = this.closeWaiters
    this.closeWaiters = []
    for (const w of waiters) w()
  }
}
