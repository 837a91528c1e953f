/**
 * RESP2 replies of the gateway, as the bytes written to the socket. A reply is a string (ASCII
 * framing and text) or, for record values, a list of strings and Buffers written in order.
 */
import type { ConsumerRecord } from '../consumer/consumer-record.js'

/** One reply: a string, or parts written one after the other (binary values stay Buffers). */
export type Reply = string | (string | Buffer)[]

export const OK_SIMPLE = '+OK\r\n'
export const OK_BULK = '$2\r\nOK\r\n'
export const PONG = '+PONG\r\n'
export const NULL_ARRAY = '*-1\r\n'
export const EMPTY_ARRAY = '*0\r\n'
export const ONE = ':1\r\n'
export const ZERO = ':0\r\n'

/** `-message`: CR and LF would end the reply early, so they become spaces. */
export function errorReply(message: string): string {
  return `-${message.replace(/[\r\n]+/g, ' ')}\r\n`
}

export function simpleReply(text: string): string {
  return `+${text.replace(/[\r\n]+/g, ' ')}\r\n`
}

export function integerReply(n: number | bigint): string {
  return `:${n}\r\n`
}

export function bulkReply(text: string): string {
  return `$${Buffer.byteLength(text, 'utf8')}\r\n${text}\r\n`
}

/** An array of bulk strings. */
export function arrayReply(items: readonly string[]): string {
  let out = `*${items.length}\r\n`
  for (const s of items) out += bulkReply(s)
  return out
}

/**
 * BLPOP's answer, as Rafka writes it: the flat array `topic`, name, `partition`, integer,
 * `offset`, integer, `value`, bytes (a null bulk string for a null value).
 */
export function recordReply(r: ConsumerRecord): Reply {
  const head = `*8\r\n$5\r\ntopic\r\n$${r.topic.length}\r\n${r.topic}\r\n$9\r\npartition\r\n:${r.partition}\r\n$6\r\noffset\r\n:${r.offset}\r\n$5\r\nvalue\r\n`
  const value = r.value
  if (value === null) return head + '$-1\r\n'
  return [`${head}$${value.length}\r\n`, value, '\r\n']
}
