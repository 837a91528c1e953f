/**
 * Command-line parsing on `node:util` parseArgs with getopt habits: an option that takes a value
 * takes the next argument even when it starts with `-` (`-o -10`, `-k -`), and every parse
 * failure becomes a one-line {@link UsageError}.
 */
import { parseArgs } from 'node:util'
import { UsageError } from './usage-error.js'

/** One option of a command, as parseArgs wants it plus what `--help` prints. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  /** Placeholder shown in help, e.g. `TOPIC`. */
  value?: string
  help: string
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpecs = {
  brokers: { type: 'string', short: 'b', value: 'BROKERS', help: 'bootstrap brokers host:port[,host:port…] (default $KAFKA_BOOTSTRAP, else 127.0.0.1:9092)' },
  property: { type: 'string', short: 'X', multiple: true, value: 'KEY=VALUE', help: 'client property by its Java/librdkafka name, repeatable; `-X list` lists them' },
  debug: { type: 'string', short: 'd', multiple: true, value: 'CATEGORIES', help: "debug log to stderr, repeatable: broker,protocol,metadata,security,producer,consumer,admin,gateway or all; librdkafka's names too (cgrp,topic,msg,fetch,generic,...)" },
  quiet: { type: 'boolean', short: 'q', help: 'quiet: no summary, progress or warnings on stderr (errors still print)' },
  json: { type: 'boolean', help: 'machine-readable JSON output' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
}

/** The parsed command line of one command, with typed accessors. */
export class ParsedArgs {
  constructor(
    /** The command as typed, e.g. `topic create`, for messages. */
    readonly command: string,
    private readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>,
    readonly positionals: string[],
  ) {}

  /** The last value of a string option, or undefined. */
  string(name: string): string | undefined {
    const v = this.values[name]
    if (Array.isArray(v)) return v.length === 0 ? undefined : String(v[v.length - 1])
    return typeof v === 'string' ? v : undefined
  }

  /** Every value of a repeatable string option, in order. */
  strings(name: string): string[] {
    const v = this.values[name]
    if (v === undefined) return []
    return (Array.isArray(v) ? v : [v]).map(String)
  }

  flag(name: string): boolean {
    return this.values[name] === true
  }

  has(name: string): boolean {
    return this.values[name] !== undefined
  }
}

/** Rewrites `-o VALUE` / `--offset VALUE` into `--offset=VALUE` so values may start with `-`. */
function joinOptionValues(args: readonly string[], specs: OptionSpecs): string[] {
  const byShort = new Map<string, string>()
  for (const [name, spec] of Object.entries(specs)) if (spec.short) byShort.set(spec.short, name)
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') {
      out.push(...args.slice(i))
      break
    }
    let name: string | undefined
    if (/^-[^-]$/.test(a)) name = byShort.get(a[1])
    else if (/^--[^=]+$/.test(a)) name = a.slice(2)
    const spec = name === undefined ? undefined : specs[name]
    if (name !== undefined && spec?.type === 'string' && i + 1 < args.length) {
      out.push(`--${name}=${args[i + 1]}`)
      i++
    } else {
      out.push(a)
    }
  }
  return out
}

/** The first line of a parseArgs error, reworded for the CLI. */
function parseFailure(command: string, err: unknown): UsageError {
  const e = err as { code?: string; message?: string }
  const first = (e.message ?? String(err)).split('\n')[0].trim()
  const unknown = /^Unknown option '([^']+)'/.exec(first)
  if (unknown) return new UsageError(`unknown option '${unknown[1]}' for 'kafkats ${command}' (see kafkats ${command} --help)`)
  const missing = /^Option '([^']+)' argument missing/.exec(first)
  if (missing) return new UsageError(`option '${missing[1]}' needs a value (see kafkats ${command} --help)`)
  const positional = /^Unexpected argument '([^']+)'/.exec(first)
  if (positional) return new UsageError(`unexpected argument '${positional[1]}' for 'kafkats ${command}' (see kafkats ${command} --help)`)
  return new UsageError(`${first.replace(/\.$/, '')} (see kafkats ${command} --help)`)
}

/**
 * Parses `args` against the command's options plus {@link COMMON_OPTIONS}.
 * @throws UsageError on an unknown option, a missing value, or a value given to a flag.
 */
export function parseCommandLine(command: string, args: readonly string[], specs: OptionSpecs): ParsedArgs {
  const all: OptionSpecs = { ...COMMON_OPTIONS, ...specs }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {}
  for (const [name, s] of Object.entries(all)) {
    options[name] = { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) }
  }
  try {
    const { values, positionals } = parseArgs({ args: joinOptionValues(args, all), options, allowPositionals: true, strict: true })
    return new ParsedArgs(command, values as Record<string, string | boolean | (string | boolean)[] | undefined>, positionals)
  } catch (err) {
    throw parseFailure(command, err)
  }
}

/**
 * A whole number from an argument.
 * @throws UsageError naming the option when `text` is not an integer within [min, max].
 */
export function parseInteger(what: string, text: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new UsageError(`${what}: expected a whole number, got '${text}'`)
  const n = Number(text.trim())
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${what}: ${text} is out of range (${min === Number.MIN_SAFE_INTEGER ? '' : min}..${max === Number.MAX_SAFE_INTEGER ? '' : max})`)
  }
  return n
}

/** `key=value` split at the first `=`. @throws UsageError without `=` or with an empty key. */
export function parseKeyValue(what: string, text: string): [string, string] {
  const i = text.indexOf('=')
  if (i <= 0) throw new UsageError(`${what}: expected key=value, got '${text}'`)
  return [text.slice(0, i).trim(), text.slice(i + 1)]
}

/** Help text: a usage line, a description and the option table. */
export function helpText(usage: string, description: string, specs: OptionSpecs, examples: readonly string[] = []): string {
  const rows: [string, string][] = []
  for (const [name, s] of Object.entries({ ...specs, ...COMMON_OPTIONS })) {
    const flags = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}`
    rows.push([flags, s.help + (s.multiple ? ' (repeatable)' : '')])
  }
  const width = Math.max(...rows.map((r) => r[0].length)) + 2
  const lines = [`usage: ${usage}`, '', description, '', 'options:', ...rows.map(([f, h]) => `  ${f.padEnd(width)}${h}`)]
  if (examples.length > 0) lines.push('', 'examples:', ...examples.map((e) => `  ${e}`))
  return lines.join('\n') + '\n'
}
