/**
 * Logging: any pino-style logger (`debug/info/warn/error(obj, msg)`), silent but for warnings
 * by default, with librdkafka-style debug categories.
 */

/** A pino-style logger. Every method takes a context object and a message. */
export interface Logger {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** Debug categories, as librdkafka's `debug` property. `all` turns every one on. */
export type DebugCategory = 'broker' | 'protocol' | 'metadata' | 'security' | 'producer' | 'consumer' | 'admin' | 'gateway' | 'all'

export const DEBUG_CATEGORIES: readonly DebugCategory[] = ['broker', 'protocol', 'metadata', 'security', 'producer', 'consumer', 'admin', 'gateway', 'all']

const consoleWarnLogger: Logger = {
  debug() {},
  info() {},
  warn(obj, msg) {
    console.warn(`[kafkats] ${msg}`, obj)
  },
  error(obj, msg) {
    console.error(`[kafkats] ${msg}`, obj)
  },
}

/** The library's internal view of a logger: debug output filtered by category. */
export class Log {
  private readonly enabled: Set<DebugCategory>

  constructor(
    readonly logger: Logger = consoleWarnLogger,
    debug: readonly DebugCategory[] = [],
  ) {
    this.enabled = new Set(debug)
  }

  /** Whether debug output of this category is on (check before building costly context). */
  on(category: DebugCategory): boolean {
    return this.enabled.has(category) || this.enabled.has('all')
  }

  debug(category: DebugCategory, obj: object, msg: string): void {
    if (this.on(category)) this.logger.debug({ category, ...obj }, msg)
  }

  info(obj: object, msg: string): void {
    this.logger.info(obj, msg)
  }

  warn(obj: object, msg: string): void {
    this.logger.warn(obj, msg)
  }

  error(obj: object, msg: string): void {
    this.logger.error(obj, msg)
  }
}
