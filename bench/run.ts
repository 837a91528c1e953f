// `npm run bench -- [scenario…] [--clients …] [--reps N] [--json FILE]`: runs each client in
// its own process against the local broker and writes the table, JSON and
// bench/results/latest.md + latest.svg. See bench/README.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, freemem, loadavg, totalmem } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from './harness/args.js'
import { brokerTarget, preProduce, probe, Topics, uniqueName } from './harness/broker.js'
import { barChart } from './harness/chart.js'
import { makeClients, Unsupported, type Client, type ClientName } from './harness/clients.js'
import { ensureGnuTime, ensureNpmPeers } from './harness/install.js'
import { measure } from './harness/measure.js'
import { benchDir, node24, resultsDir } from './harness/paths.js'
import { markdownReport, terminalTable, type RunMeta } from './harness/report.js'
import { delegated, scenarios, type Scenario } from './harness/scenarios.js'
import { addRatios, summarize, type RunRecord, type ScenarioSummary } from './harness/summary.js'
import { exec } from './harness/exec.js'
import type { ChildConfig } from './scenarios/shared/child.mjs'

const log = (line: string): void => { process.stderr.write(line + '\n') }

/** Runs bench/<name>.ts's exported run(args): the single-client quick benches. */
async function runDelegated (name: string, args: string[]): Promise<void> {
  const file = join(benchDir, `${name}.ts`)
  if (!existsSync(file)) throw new Error(`bench/${name}.ts does not exist yet`)
  const mod = await import(pathToFileURL(file).href) as { run?: (args: string[]) => unknown }
  if (typeof mod.run !== 'function') throw new Error(`bench/${name}.ts exports no run(args)`)
  await mod.run(args)
}

/** Rotates the client order every repetition and reverses it every other one. */
function orderFor (clients: ClientName[], rep: number): ClientName[] {
  const k = rep % clients.length
  const rotated = [...clients.slice(k), ...clients.slice(0, k)]
  return rep % 2 === 1 ? rotated.reverse() : rotated
}

async function oneRun (client: Client, scenario: Scenario, cfg: ChildConfig, rep: number): Promise<RunRecord> {
  try {
    const cmd = client.command(scenario, cfg)
    const run = await measure(cmd, scenario.timeoutMs)
    const r = run.result
    const elapsedMs = Number.isFinite(r.elapsedMs) && r.elapsedMs !== null ? r.elapsedMs : run.wallSeconds * 1000
    const expected = scenario.kind === 'latency' ? 1 : cfg.records
    if (r.records < expected) throw new Error(`handled ${r.records} of ${cfg.records} records`)
    return {
      client: client.name,
      rep,
      ok: true,
      records: r.records,
      recordsPerSec: r.records / (elapsedMs / 1000),
      mbPerSec: r.bytes / 1e6 / (elapsedMs / 1000),
      cpuSeconds: run.cpuSeconds,
      cpuPerMillion: run.cpuSeconds / (r.records / 1e6),
      peakRssBytes: run.peakRssBytes,
      wallSeconds: run.wallSeconds,
      latencyMs: r.latencyMs,
      note: r.note ?? undefined
    }
  } catch (err) {
    const message = err instanceof Unsupported ? `not supported: ${err.message}` : (err as Error).message.split('\n')[0]
    return { client: client.name, rep, ok: false, error: message }
  }
}

async function compare (names: string[], args: ReturnType<typeof parseArgs>): Promise<ScenarioSummary[]> {
  const target = brokerTarget()
  await probe(target.bootstrap)
  await ensureGnuTime(log)
  // Node 24 and KafkaJS (whose admin creates the topics) come first.
  await ensureNpmPeers(log)
  const all = makeClients()
  const prepareErrors = new Map<ClientName, string>()
  for (const name of args.clients) {
    try {
      await all[name].prepare({ kafkaVersion: target.version, log })
    } catch (err) {
      prepareErrors.set(name, `could not be installed: ${(err as Error).message.split('\n')[0]}`)
      log(`bench: ${name} ${prepareErrors.get(name)}`)
    }
  }
  const topics = new Topics(target.bootstrap)
  const summaries: ScenarioSummary[] = []
  try {
    for (const name of names) {
      const scenario = scenarios[name]
      const runs = new Map<ClientName, RunRecord[]>(args.clients.map(c => [c, []]))
      let sharedTopic: string | null = null
      if (scenario.kind === 'consume') {
        sharedTopic = uniqueName(`bench-${name}`)
        log(`bench: ${name}: pre-producing ${scenario.settings.records} records into ${sharedTopic} with kcat`)
        await topics.create(sharedTopic, scenario.settings.partitions)
        await preProduce(topics, target.bootstrap, sharedTopic, scenario.settings.partitions,
          scenario.settings.records / scenario.settings.partitions, scenario.settings.key ?? '', scenario.settings.value ?? 'v')
      }
      for (let rep = 0; rep < args.reps; rep++) {
        for (const clientName of orderFor(args.clients, rep)) {
          const client = all[clientName]
          const prepErr = prepareErrors.get(clientName)
          if (prepErr !== undefined) {
            runs.get(clientName)!.push({ client: clientName, rep, ok: false, error: prepErr })
            continue
          }
          const topic = sharedTopic ?? uniqueName(`bench-${name}-${clientName}`)
          if (sharedTopic === null) {
            try {
              await topics.create(topic, scenario.settings.partitions)
            } catch (err) {
              const error = `topic ${topic} could not be created: ${(err as Error).message}`
              log(`bench: ${name} rep ${rep + 1}/${args.reps}: ${clientName} FAILED: ${error}`)
              runs.get(clientName)!.push({ client: clientName, rep, ok: false, error })
              continue
            }
          }
          const cfg: ChildConfig = { ...scenario.settings, scenario: name, bootstrap: target.bootstrap, topic, groupId: uniqueName(`bench-${clientName}`) }
          log(`bench: ${name} rep ${rep + 1}/${args.reps}: ${clientName}…`)
          const record = await oneRun(client, scenario, cfg, rep)
          if (record.ok && scenario.kind === 'produce') {
            // Whatever the client reported, the broker must hold every record.
            const stored = await topics.records(topic).catch(() => NaN)
            if (stored !== cfg.records) Object.assign(record, { ok: false, error: `the topic holds ${stored} of ${cfg.records} records after the run` })
          }
          log(record.ok
            ? `bench:   ${Math.round(record.recordsPerSec!).toLocaleString('en-US')} records/s, ${record.cpuSeconds!.toFixed(2)} CPU s, ${(record.peakRssBytes! / 1048576).toFixed(0)} MiB peak RSS${record.latencyMs ? `, p99 ${record.latencyMs.p99.toFixed(1)} ms` : ''}`
            : `bench:   FAILED: ${record.error}`)
          runs.get(clientName)!.push(record)
          if (sharedTopic === null) await topics.delete(topic).catch(() => undefined)
        }
      }
      if (sharedTopic !== null) await topics.delete(sharedTopic).catch(() => undefined)
      const clients = args.clients.map(c => summarize(c, all[c].label, runs.get(c)!))
      addRatios(scenario.kind, clients)
      const summary: ScenarioSummary = { name, kind: scenario.kind, summary: scenario.summary, clients }
      summaries.push(summary)
      console.log('\n' + terminalTable(summary) + '\n')
    }
  } finally {
    await topics.close().catch(() => undefined)
  }
  const meta: RunMeta = {
    date: new Date().toISOString(),
    reps: args.reps,
    broker: target.bootstrap,
    kafkaVersion: target.version,
    node: `Node ${(await exec(node24, ['--version'])).trim()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown CPU',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: startLoad,
    clients: args.clients.map(c => ({ name: c, label: all[c].label }))
  }
  if (args.json !== null) {
    mkdirSync(dirname(resolve(args.json)), { recursive: true })
    writeFileSync(args.json, JSON.stringify({ meta, freeMemoryBytes: freemem(), scenarios: summaries }, null, 2) + '\n')
    log(`bench: wrote ${args.json}`)
  }
  if (args.resultsDir !== null) {
    mkdirSync(args.resultsDir, { recursive: true })
    writeFileSync(join(args.resultsDir, 'latest.svg'), barChart(summaries, `kafkats vs peers — ${meta.date.slice(0, 10)}, ${meta.cpus} cores, noisy shared machine`))
    writeFileSync(join(args.resultsDir, 'latest.md'), markdownReport(meta, summaries, 'latest.svg'))
    log(`bench: wrote ${relative(process.cwd(), join(args.resultsDir, 'latest.md'))} and latest.svg`)
  }
  return summaries
}

const startLoad = loadavg()

async function main (): Promise<void> {
  const args = parseArgs(process.argv.slice(2), resultsDir)
  const quick = args.scenarios.filter(s => (delegated as readonly string[]).includes(s))
  const comparisons = args.scenarios.filter(s => s in scenarios)
  if (args.scenarios.length === 0) comparisons.push(...Object.keys(scenarios))
  if (comparisons.length === 0 && quick.length === 1) {
    await runDelegated(quick[0], args.rest)
    return
  }
  if (args.rest.length > 0) throw new Error(`unknown arguments: ${args.rest.join(' ')} (run a quick bench alone to pass it arguments)`)
  if (comparisons.length > 0) await compare(comparisons, args)
  for (const name of quick) await runDelegated(name, [])
}

main().catch(err => {
  process.stderr.write(`bench: ${(err as Error).message}\n`)
  process.exitCode = 1
})
