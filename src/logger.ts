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

/**
 * librdkafka's `debug` names (rkt-kafka's `-d`, KafkaTcl's `debug` property) and the
 * kafkats categories each turns on. Names kafkats has no separate output for (`queue`,
 * `partition`, `interceptor`, ...) turn nothing on rather than fail, so a librdkafka
 * configuration carries over unchanged.
 */
export const LIBRDKAFKA_DEBUG_CATEGORIES: Readonly<Record<string, readonly DebugCategory[]>> = {
  generic: ['broker', 'metadata'],
  broker: ['broker'],
  topic: ['metadata'],
  metadata: ['metadata'],
  feature: ['protocol'],
  protocol: ['protocol'],
  security: ['security'],
  msg: ['producer'],
  eos: ['producer'],
  mock: [],
  queue: [],
  partition: [],
  interceptor: [],
  plugin: [],
  conf: [],
  telemetry: [],
  cgrp: ['consumer'],
  consumer: ['consumer'],
  fetch: ['consumer'],
  assignor: ['consumer'],
  admin: ['admin'],
  all: ['all'],
}

/**
 * The categories a `debug` string names, comma-separated: kafkats's names and librdkafka's
 * (see {@link LIBRDKAFKA_DEBUG_CATEGORIES}).
 * @returns the categories, or the first unknown name
 */
export function parseDebugCategories(spec: string): { categories: DebugCategory[] } | { unknown: string } {
  const out = new Set<DebugCategory>()
  for (const name of spec.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if ((DEBUG_CATEGORIES as readonly string[]).includes(name)) out.add(name as DebugCategory)
    else if (Object.hasOwn(LIBRDKAFKA_DEBUG_CATEGORIES, name)) for (const c of LIBRDKAFKA_DEBUG_CATEGORIES[name]) out.add(c)
    else return { unknown: name }
  }
  return { categories: [...out] }
}

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
    /** Fields added to every entry (a client's `clientId` and name). */
    private readonly fields: object | null = null,
  ) {
    this.enabled = new Set(debug)
  }

  /** The same logger and categories, with `fields` added to every entry. */
  child(fields: object): Log {
    return new Log(this.logger, [...this.enabled], this.fields === null ? fields : { ...this.fields, ...fields })
  }

  private with(obj: object): object {
    return this.fields === null ? obj : { ...this.fields, ...obj }
  }

  /** Whether debug output of this category is on (check before building costly context). */
  on(category: DebugCategory): boolean {
    return this.enabled.has(category) || this.enabled.has('all')
  }

  debug(category: DebugCategory, obj: object, msg: string): void {
    if (this.on(category)) this.logger.debug({ category, ...this.fields, ...obj }, msg)
  }

  info(obj: object, msg: string): void {
    this.logger.info(this.with(obj), msg)
  }

  warn(obj: object, msg: string): void {
    this.logger.warn(this.with(obj), msg)
  }

  error(obj: object, msg: string): void {
    this.logger.error(this.with(obj), msg)
  }
}
