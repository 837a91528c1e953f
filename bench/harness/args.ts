// Command line of bench/run.ts.
import { clientNames, defaultClients, type ClientName } from './clients.js'
import { delegated, scenarios } from './scenarios.js'

export interface BenchArgs {
  scenarios: string[]
  clients: ClientName[]
  reps: number
  /** Unmeasured runs of each scenario before its repetitions, so no client meets a cold broker (--warmup N, default 1). */
  warmup: number
  json: string | null
  /** Where latest.md, latest.svg and latest-rss.svg go; null to write none. */
  resultsDir: string | null
  /** Append to bench/results/history.jsonl (off with --no-history or --no-results). */
  history: boolean
  /** Records per scenario instead of the scenario's own count (smoke runs), or null. */
  records: number | null
  /** Pin the broker and the clients to different CPUs (off with --no-pin). */
  pin: boolean
  brokerCpus: string | null
  clientCpus: string | null
  /** Arguments not understood here, passed on to a delegated quick bench. */
  rest: string[]
}

export const usage = `usage: npm run bench -- [scenario…] [--clients a,b] [--reps N] [--warmup N] [--records N] [--json FILE]
                        [--no-results] [--no-history] [--no-pin] [--broker-cpus LIST] [--client-cpus LIST]
clients: ${clientNames.join(', ')} (default: all)
scenarios: ${Object.keys(scenarios).join(', ')} (comparisons, default: all); ${delegated.join(', ')} (quick single-client benches)`

const cpuList = /^\d+([-,]\d+)*$/

/** Parses argv (without node and the script). @throws Error with the usage on bad input. */
export function parseArgs (argv: string[], defaultResultsDir: string): BenchArgs {
  const out: BenchArgs = {
    scenarios: [],
    clients: [...defaultClients],
    reps: 3,
    warmup: 1,
    json: null,
    resultsDir: defaultResultsDir,
    history: true,
    records: null,
    pin: true,
    brokerCpus: null,
    clientCpus: null,
    rest: []
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value\n${usage}`)
      return v
    }
    if (a === '--clients') {
      const names = value().split(',').map(s => s.trim()).filter(Boolean)
      for (const n of names) {
        if (!(clientNames as readonly string[]).includes(n)) throw new Error(`unknown client ${n}\n${usage}`)
      }
      out.clients = names as ClientName[]
    } else if (a === '--warmup') {
      out.warmup = Number(value())
      if (!Number.isInteger(out.warmup) || out.warmup < 0) throw new Error(`--warmup must be a non-negative integer\n${usage}`)
    } else if (a === '--reps') {
      out.reps = Number(value())
      if (!Number.isInteger(out.reps) || out.reps < 1) throw new Error(`--reps must be a positive integer\n${usage}`)
    } else if (a === '--records') {
      out.records = Number(value())
      if (!Number.isInteger(out.records) || out.records < 1) throw new Error(`--records must be a positive integer\n${usage}`)
    } else if (a === '--json') {
      out.json = value()
    } else if (a === '--no-results') {
      out.resultsDir = null
      out.history = false
    } else if (a === '--no-history') {
      out.history = false
    } else if (a === '--no-pin') {
      out.pin = false
    } else if (a === '--broker-cpus' || a === '--client-cpus') {
      const v = value()
      if (!cpuList.test(v)) throw new Error(`${a} takes a taskset CPU list such as 0 or 1-3\n${usage}`)
      if (a === '--broker-cpus') out.brokerCpus = v
      else out.clientCpus = v
    } else if (a === '--help' || a === '-h') {
      throw new Error(usage)
    } else if (!a.startsWith('-') && (a in scenarios || (delegated as readonly string[]).includes(a))) {
      out.scenarios.push(a)
    } else {
      out.rest.push(a)
    }
  }
  return out
}
