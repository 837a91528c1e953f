// Command line of bench/run.ts.
import { clientNames, defaultClients, type ClientName } from './clients.js'
import { delegated, scenarios } from './scenarios.js'

export interface BenchArgs {
  scenarios: string[]
  clients: ClientName[]
  reps: number
  json: string | null
  /** Where latest.md and latest.svg go; null to write none. */
  resultsDir: string | null
  /** Arguments not understood here, passed on to a delegated quick bench. */
  rest: string[]
}

export const usage = `usage: npm run bench -- [scenario…] [--clients ${defaultClients.join(',')}] [--reps N] [--json FILE] [--no-results]
clients: ${clientNames.join(', ')} (default: all but kcat)
scenarios: ${Object.keys(scenarios).join(', ')} (comparisons, default: all four); ${delegated.join(', ')} (quick single-client benches)`

/** Parses argv (without node and the script). @throws Error with the usage on bad input. */
export function parseArgs (argv: string[], defaultResultsDir: string): BenchArgs {
  const out: BenchArgs = { scenarios: [], clients: [...defaultClients], reps: 3, json: null, resultsDir: defaultResultsDir, rest: [] }
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
    } else if (a === '--reps') {
      out.reps = Number(value())
      if (!Number.isInteger(out.reps) || out.reps < 1) throw new Error(`--reps must be a positive integer\n${usage}`)
    } else if (a === '--json') {
      out.json = value()
    } else if (a === '--no-results') {
      out.resultsDir = null
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
