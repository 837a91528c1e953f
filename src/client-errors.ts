/**
 * Errors that belong to no single call (KafkaTcl's `error_callback`, librdkafka's `error_cb`):
 * a broker that keeps refusing connections, an authentication failure on a background
 * connection, a producer turned fatal. `kafka.on('error', listener)` receives them; without a
 * listener they go to the debug log only (category `broker`), so nothing changes for a program
 * that does not listen (its calls still reject with their own errors). Listeners are plain callbacks: unlike a Node
 * EventEmitter's `error` event, an error with no listener never throws.
 */
import { ClientErrorCode } from './client-error-codes.js'
import { AuthenticationError, ConnectionError, KafkaError } from './errors.js'
import type { Log } from './logger.js'

/** Receives an error no promise carries. */
export type ClientErrorListener = (error: KafkaError) => void

/** Connection attempts to one broker address that fail in a row before `error` reports it unreachable. */
export const UNREACHABLE_AFTER_FAILURES = 3

/** What the connection pools tell about connection attempts (src/pool/connection-pool.ts). */
export interface ConnectionHealth {
  connected(host: string, port: number): void
  failed(host: string, port: number, error: unknown): void
}

export class ClientErrors implements ConnectionHealth {
  private readonly listeners: ClientErrorListener[] = []
  /** host:port → connection attempts failed in a row (any lane). */
  private readonly failures = new Map<string, number>()
  /** Addresses reported in the current run of failures (reported once until one connects). */
  private readonly reported = new Set<string>()

  constructor(private readonly log: Log) {}

  on(listener: ClientErrorListener): void {
    this.listeners.push(listener)
  }

  off(listener: ClientErrorListener): void {
    const i = this.listeners.indexOf(listener)
    if (i >= 0) this.listeners.splice(i, 1)
  }

  get listenerCount(): number {
    return this.listeners.length
  }

  /** Hands `error` to every listener (a throwing listener is logged), or to the debug log when there is none. */
  report(error: KafkaError, context: object = {}): void {
    if (this.listeners.length === 0) {
      this.log.debug('broker', { ...context, code: error.code, error: error.message }, 'client error')
      return
    }
    for (const l of [...this.listeners]) {
      try {
        l(error)
      } catch (err) {
        this.log.warn({ error: err instanceof Error ? err.message : String(err) }, "a kafka.on('error') listener threw")
      }
    }
  }

  connected(host: string, port: number): void {
    const key = `${host}:${port}`
    this.failures.delete(key)
    this.reported.delete(key)
  }

  failed(host: string, port: number, error: unknown): void {
    const key = `${host}:${port}`
    const n = (this.failures.get(key) ?? 0) + 1
    this.failures.set(key, n)
    if (this.reported.has(key)) return
    if (error instanceof AuthenticationError) {
      this.reported.add(key)
      this.report(error, { broker: key })
      return
    }
    if (n < UNREACHABLE_AFTER_FAILURES) return
    this.reported.add(key)
    const why = error instanceof Error ? error.message : String(error)
    this.report(new ConnectionError(`broker ${key} unreachable: ${n} connection attempts failed in a row (last: ${why})`, ClientErrorCode.BROKER_UNREACHABLE, error instanceof KafkaError ? error : undefined), { broker: key })
  }
}
