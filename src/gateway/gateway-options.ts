/**
 * Options of `new Gateway(kafka, options)` (docs/gateway.md), validated with zod into a
 * ConfigError that names the bad field.
 */
import { z } from 'zod'
import type { ProducerOptions } from '../producer/producer-options.js'
import { configErrorFrom } from '../options.js'
import type { GatewayConsumerOptions } from './gateway-config.js'

export type { GatewayConsumerOptions } from './gateway-config.js'

export interface GatewayOptions {
  /** Where to listen, `HOST:PORT` (`[::1]:6380` for IPv6). Default `127.0.0.1:6380`; port 0 picks a free one. */
  listen?: string
  /** Options of the gateway's one producer (shared by every connection). */
  producer?: ProducerOptions
  /** Defaults of every connection's consumer; BLPOP's JSON overrides them per connection. */
  consumer?: GatewayConsumerOptions
  /** Most client connections at once; one more is answered `-ERR max number of clients reached` and closed. Default 10000 (Redis's maxclients). */
  maxConnections?: number
  /** Largest request (one command with all its arguments), bytes. Default 33554432 (32 MiB). */
  maxRequestBytes?: number
  /** Unwritten reply bytes of a connection after which the gateway stops reading its requests. Default 8388608 (8 MiB). */
  maxReplyBufferBytes?: number
  /** BLPOP's wait when its last argument is not a number of seconds, ms (Rafka's server default). Default 5000. */
  blpopTimeoutMs?: number
  /** How long a closing connection (or the shutdown) waits for its records to be delivered, ms. Default 5000. */
  closeFlushTimeoutMs?: number
}

export interface ResolvedGatewayOptions {
  host: string
  port: number
  producer: ProducerOptions
  consumer: GatewayConsumerOptions
  maxConnections: number
  maxRequestBytes: number
  maxReplyBufferBytes: number
  blpopTimeoutMs: number
  closeFlushTimeoutMs: number
}

const positiveInt = z.number().int().positive()

const schema = z.strictObject({
  listen: z.string().default('127.0.0.1:6380'),
  producer: z.record(z.string(), z.unknown()).default({}),
  consumer: z.record(z.string(), z.unknown()).default({}),
  maxConnections: positiveInt.default(10_000),
  maxRequestBytes: z.number().int().min(1024).default(32 * 1024 * 1024),
  maxReplyBufferBytes: positiveInt.default(8 * 1024 * 1024),
  blpopTimeoutMs: positiveInt.default(5_000),
  closeFlushTimeoutMs: z.number().int().min(0).default(5_000),
})

/**
 * `HOST:PORT` → host and port.
 * @returns null when malformed
 */
export function parseListen(listen: string): { host: string; port: number } | null {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(listen.trim())
  if (m === null) return null
  const port = Number(m[3])
  if (port > 65535) return null
  const host = m[1] ?? m[2]
  return { host: host === '' ? '0.0.0.0' : host, port }
}

/** @throws ConfigError naming the bad field */
export function resolveGatewayOptions(options: GatewayOptions): ResolvedGatewayOptions {
  const parsed = schema.safeParse(options)
  if (!parsed.success) throw configErrorFrom('gateway options', parsed.error)
  const o = parsed.data
  const at = parseListen(o.listen)
  if (at === null) throw configErrorFrom('gateway options', new z.ZodError([{ code: 'custom', path: ['listen'], message: `expected HOST:PORT, got '${o.listen}'`, input: o.listen }]))
  return {
    host: at.host,
    port: at.port,
    producer: o.producer as ProducerOptions,
    consumer: o.consumer as GatewayConsumerOptions,
    maxConnections: o.maxConnections,
    maxRequestBytes: o.maxRequestBytes,
    maxReplyBufferBytes: o.maxReplyBufferBytes,
    blpopTimeoutMs: o.blpopTimeoutMs,
    closeFlushTimeoutMs: o.closeFlushTimeoutMs,
  }
}
