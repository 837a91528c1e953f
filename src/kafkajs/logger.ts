/**
 * KafkaJS logging: `logLevel`, `logCreator`, KafkaJS's `Logger` (`kafka.logger()`), and the
 * adapter that turns them into the pino-style {@link KafkatsLogger} kafkats logs through.
 */
import type { Logger as KafkatsLogger } from '../logger.js'

/** KafkaJS's log levels (a numeric enum: higher logs more). */
export const logLevel = Object.freeze({ NOTHING: 0, ERROR: 1, WARN: 2, INFO: 4, DEBUG: 5 } as const)
// eslint-disable-next-line @typescript-eslint/no-redeclare
export type logLevel = (typeof logLevel)[keyof typeof logLevel]

/** What a KafkaJS log function receives. */
export interface LoggerEntryContent {
  readonly timestamp: string
  readonly message: string
  [key: string]: unknown
}

export interface LogEntry {
  namespace: string
  level: logLevel
  label: string
  log: LoggerEntryContent
}

/** KafkaJS's logCreator: called once with the level, returns the function every entry goes to. */
export type logCreator = (logLevel: logLevel) => (entry: LogEntry) => void

/** KafkaJS's Logger (`kafka.logger()`, `producer.logger()`, ...). */
export interface Logger {
  info: (message: string, extra?: object) => void
  error: (message: string, extra?: object) => void
  warn: (message: string, extra?: object) => void
  debug: (message: string, extra?: object) => void
  namespace: (namespace: string, logLevel?: logLevel) => Logger
  setLogLevel: (logLevel: logLevel) => void
}

const LABELS: Record<number, string> = { 1: 'ERROR', 2: 'WARN', 4: 'INFO', 5: 'DEBUG' }

/** KafkaJS's default logCreator: one JSON line per entry, errors to console.error, warnings to console.warn. */
export const defaultLogCreator: logCreator = () => ({ namespace, level, label, log }) => {
  const prefix = namespace ? `[${namespace}] ` : ''
  const line = JSON.stringify({ level: label, ...log, message: `${prefix}${log.message}`, logger: 'kafkats/kafkajs' })
  if (level === logLevel.ERROR) console.error(line)
  else if (level === logLevel.WARN) console.warn(line)
  else console.log(line)
}

/** The log state one `new Kafka()` shares with its clients: the level can change at run time. */
export class LogSink {
  level: logLevel
  private readonly write: (entry: LogEntry) => void

  constructor(level: logLevel, creator: logCreator) {
    this.level = level
    this.write = creator(level)
  }

  emit(namespace: string, level: logLevel, message: string, extra: object | undefined, levelOverride?: logLevel): void {
    if (level > (levelOverride ?? this.level)) return
    this.write({ namespace, level, label: LABELS[level] ?? 'INFO', log: { timestamp: new Date().toISOString(), logger: 'kafkats', message, ...(extra as Record<string, unknown> | undefined) } })
  }

  /** KafkaJS's Logger over this sink. */
  logger(namespace = '', levelOverride?: logLevel): Logger {
    const sink = this
    let override = levelOverride
    return {
      info: (m, e) => sink.emit(namespace, logLevel.INFO, m, e, override),
      error: (m, e) => sink.emit(namespace, logLevel.ERROR, m, e, override),
      warn: (m, e) => sink.emit(namespace, logLevel.WARN, m, e, override),
      debug: (m, e) => sink.emit(namespace, logLevel.DEBUG, m, e, override),
      namespace: (ns, l) => sink.logger(namespace === '' ? ns : `${namespace}.${ns}`, l ?? override),
      setLogLevel: (l) => {
        override = l
      },
    }
  }

  /** The pino-style logger kafkats writes to: its (obj, msg) calls become KafkaJS entries. */
  kafkatsLogger(namespace: string): KafkatsLogger {
    return {
      debug: (obj, msg) => this.emit(namespace, logLevel.DEBUG, msg, obj),
      info: (obj, msg) => this.emit(namespace, logLevel.INFO, msg, obj),
      warn: (obj, msg) => this.emit(namespace, logLevel.WARN, msg, obj),
      error: (obj, msg) => this.emit(namespace, logLevel.ERROR, msg, obj),
    }
  }
}
