/** The CLI's logger: one line per entry on stderr; debug entries only when `-d` is given, no warnings with `-q`. */
import type { Writable } from 'node:stream'
import type { Logger } from '../logger.js'

const MAX_LINE = 4000

/** JSON of a log context: bigints as text, buffers as their length, long output cut. */
export function logContext(obj: object): string {
  let text: string
  try {
    text = JSON.stringify(obj, function (this: Record<string, unknown>, key: string, value: unknown) {
      const raw = key === '' ? value : this[key]
      if (typeof raw === 'bigint') return raw.toString()
      if (raw instanceof Uint8Array) return `<${raw.length} bytes>`
      if (raw instanceof Error) return raw.message
      return value
    })
  } catch {
    text = '{…}'
  }
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}…` : text
}

export function stderrLogger(stream: Writable, debug: boolean, quiet = false): Logger {
  const line = (level: string, obj: object, msg: string): void => {
    const ctx = logContext(obj)
    stream.write(`${new Date().toISOString()} ${level} ${msg}${ctx === '{}' ? '' : ` ${ctx}`}\n`)
  }
  return {
    debug: debug ? (obj, msg) => line('DEBUG', obj, msg) : () => {},
    info: debug ? (obj, msg) => line('INFO', obj, msg) : () => {},
    warn: quiet ? () => {} : (obj, msg) => line('WARN', obj, msg),
    error: (obj, msg) => line('ERROR', obj, msg),
  }
}
