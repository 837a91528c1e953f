// `npm run bench -- [scenario…] [--clients …] [--reps N] [--records N] [--json FILE]`: runs
// each client in its own process (pinned apart from the broker) against the local broker and
// writes the tables, the targets, JSON, bench/results/latest.md + latest.svg (+ latest-rss.svg)
// and a line of bench/results/history.jsonl. See bench/README.md.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus, freemem, loadavg, release, totalmem, type as osType } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from './harness/args.js'
import { brokerTarget, preProduce, probe, Topics, uniqueName } from './harness/broker.js'
import { barChart, rssChart } from './harness/chart.js'
import { makeClients, Unsupported, type Client, type ClientName } from './harness/clients.js'
import { ensureGnuTime, ensureNpmPeers } from './harness/install.js'
import { measure } from './harness/measure.js'
import { benchDir, node24, resultsDir } from './harness/paths.js'
import { appendHistory, gitCommit } from './harness/history.js'
import { pin } from './harness/pinning.js'
import { markdownReport, terminalTable, terminalTargets, type RunMeta } from './harness/report.js'
import { delegated, scaled, scenarios, type Scenario } from './harness/scenarios.js'
import { checkTargets } from './harness/targets.js'
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

/** A row of a scenario's table: a client, or kafkats with a variant's settings. */
interface Row {
  client: ClientName
  row: string
  overrides: Partial<ChildConfig>
}

/** Rotates the row order every repetition and reverses it every other one. */
function orderFor (rows: Row[], rep: number): Row[] {
  const k = rep % rows.length
  const rotated = [...rows.slice(k), ...rows.slice(0, k)]
  return rep % 2 === 1 ? rotated.reverse() : rotated
}

async function oneRun (client: Client, row: string, scenario: Scenario, cfg: ChildConfig, rep: number, clientCpus: string | null): Promise<RunRecord> {
  try {
    const cmd = client.command(scenario, cfg)
    const run = await measure(cmd, { timeoutMs: scenario.timeoutMs, clientCpus, sampleRss: scenario.sampleRss === true })
    const r = run.result
    const elapsedMs = Number.isFinite(r.elapsedMs) && r.elapsedMs !== null ? r.elapsedMs : run.wallSeconds * 1000
    const expected = scenario.kind === 'latency' ? 1 : cfg.records
    if (r.records < expected) throw new Error(`handled ${r.records} of ${cfg.records} records`)
    return {
      client: client.name,
      row,
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
      fetchRequests: r.fetchRequests,
      fetchBytesPerRequest: r.fetchRequests !== undefined && r.fetchRequests > 0 ? (r.fetchRequestBytes ?? 0) / r.fetchRequests : undefined,
      rss: run.rss,
      note: r.note ?? undefined
    }
  } catch (err) {
    const message = err instanceof Unsupported ? `not supported: ${err.message}` : (err as Error).message.split('\n')[0]
    return { client: client.name, row, rep, ok: false, error: message }
  }
}

/** The rows of a scenario: every client asked for, kafkats followed by its variants. */
function rowsOf (scenario: Scenario, clients: ClientName[]): Row[] {
  const rows: Row[] = []
  for (const client of clients) {
    rows.push({ client, row: client, overrides: {} })
    if (client === 'kafkats') for (const v of scenario.kafkatsVariants ?? []) rows.push({ client, row: v.row, overrides: v.overrides })
  }
  return rows
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
  const pinning = await pin(args.pin, args.brokerCpus, args.clientCpus, log)
  log(`bench: CPU pinning: ${pinning.description}`)
  try {
    for (const name of names) {
      const scenario = scaled(scenarios[name], args.records)
      const rows = rowsOf(scenario, args.clients)
      const runs = new Map<string, RunRecord[]>(rows.map(r => [r.row, []]))
      let sharedTopic: string | null = null
      if (scenario.kind === 'consume') {
        sharedTopic = uniqueName(`bench-${name}`)
        log(`bench: ${name}: pre-producing ${scenario.settings.records} records into ${sharedTopic} (${scenario.settings.partitions} partitions) with kcat`)
        await topics.create(sharedTopic, scenario.settings.partitions)
        await preProduce(topics, target.bootstrap, sharedTopic, scenario.settings, scenario.fill ?? 'per-partition')
      }
      // Warm-up: the broker's JIT, page cache and log segments warm up on runs nobody is measured
      // by; before, the first client of the first repetition (kafkats) always met a cold broker.
      const warmRow = rows.find(r => !prepareErrors.has(r.client))
      for (let w = 0; w < args.warmup && warmRow !== undefined; w++) {
        const topic = sharedTopic ?? uniqueName(`bench-${name}-warmup`)
        try {
          if (sharedTopic === null) await topics.create(topic, scenario.settings.partitions)
          const cfg: ChildConfig = { ...scenario.settings, ...warmRow.overrides, scenario: name, bootstrap: target.bootstrap, topic, groupId: uniqueName(`bench-warmup-${warmRow.client}`) }
          log(`bench: ${name} warm-up ${w + 1}/${args.warmup} (${warmRow.row}, not measured)…`)
          const record = await oneRun(all[warmRow.client], warmRow.row, scenario, cfg, -1, pinning.clientCpus)
          if (!record.ok) log(`bench:   warm-up failed: ${record.error}`)
        } finally {
          if (sharedTopic === null) await topics.delete(topic).catch(() => undefined)
        }
      }
      for (let rep = 0; rep < args.reps; rep++) {
        for (const row of orderFor(rows, rep)) {
          const client = all[row.client]
          const prepErr = prepareErrors.get(row.client)
          if (prepErr !== undefined) {
            runs.get(row.row)!.push({ client: row.client, row: row.row, rep, ok: false, error: prepErr })
            continue
          }
          const topic = sharedTopic ?? uniqueName(`bench-${name}-${row.client}`)
          if (sharedTopic === null) {
            try {
              await topics.create(topic, scenario.settings.partitions)
            } catch (err) {
              const error = `topic ${topic} could not be created: ${(err as Error).message}`
              log(`bench: ${name} rep ${rep + 1}/${args.reps}: ${row.row} FAILED: ${error}`)
              runs.get(row.row)!.push({ client: row.client, row: row.row, rep, ok: false, error })
              continue
            }
          }
          const cfg: ChildConfig = { ...scenario.settings, ...row.overrides, scenario: name, bootstrap: target.bootstrap, topic, groupId: uniqueName(`bench-${row.client}`) }
          log(`bench: ${name} rep ${rep + 1}/${args.reps}: ${row.row}…`)
          const record = await oneRun(client, row.row, scenario, cfg, rep, pinning.clientCpus)
          if (record.ok && scenario.kind === 'produce') {
            // Whatever the client reported, the broker must hold every record.
            const stored = await topics.records(topic).catch(() => NaN)
            if (stored !== cfg.records) Object.assign(record, { ok: false, error: `the topic holds ${stored} of ${cfg.records} records after the run` })
          }
          log(record.ok
            ? `bench:   ${Math.round(record.recordsPerSec!).toLocaleString('en-US')} records/s, ${record.cpuSeconds!.toFixed(2)} CPU s, ${(record.peakRssBytes! / 1048576).toFixed(0)} MiB peak RSS${record.latencyMs ? `, p99 ${record.latencyMs.p99.toFixed(1)} ms` : ''}${record.fetchBytesPerRequest !== undefined ? `, ${record.fetchRequests} Fetch requests of ${record.fetchBytesPerRequest.toFixed(0)} B` : ''}`
            : `bench:   FAILED: ${record.error}`)
          runs.get(row.row)!.push(record)
          if (sharedTopic === null) await topics.delete(topic).catch(() => undefined)
        }
      }
      if (sharedTopic !== null) await topics.delete(sharedTopic).catch(() => undefined)
      const clients = rows.map(r => summarize(r.client, r.row, all[r.client].label, runs.get(r.row)!))
      addRatios(scenario.kind, clients)
      const summary: ScenarioSummary = { name, kind: scenario.kind, summary: scenario.summary, records: scenario.settings.records, clients }
      summaries.push(summary)
      console.log('\n' + terminalTable(summary) + '\n')
    }
  } finally {
    await pinning.restore()
    await topics.close().catch(() => undefined)
  }
  const targets = checkTargets(summaries)
  console.log(terminalTargets(targets) + '\n')
  const meta: RunMeta = {
    date: new Date().toISOString(),
    reps: args.reps,
    warmup: args.warmup,
    broker: target.bootstrap,
    kafkaVersion: target.version,
    node: `Node ${(await exec(node24, ['--version'])).trim()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown CPU',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: startLoad,
    clients: args.clients.map(c => ({ name: c, label: all[c].label })),
    commit: await gitCommit(),
    pinning: pinning.description,
    recordsOverride: args.records,
    kernel: `${osType()} ${release()}`
  }
  if (args.json !== null) {
    mkdirSync(dirname(resolve(args.json)), { recursive: true })
    writeFileSync(args.json, JSON.stringify({ meta, freeMemoryBytes: freemem(), scenarios: summaries, targets }, null, 2) + '\n')
    log(`bench: wrote ${args.json}`)
  }
  if (args.resultsDir !== null) {
    mkdirSync(args.resultsDir, { recursive: true })
    writeFileSync(join(args.resultsDir, 'latest.svg'), barChart(summaries, `kafkats vs peers — ${meta.date.slice(0, 10)}, ${meta.cpus} cores, noisy shared machine`))
    const gb = summaries.find(s => s.name === 'consume-1gb')
    const rss = gb === undefined ? null : rssChart(gb, `consume-1gb: RSS over time — ${meta.date.slice(0, 10)}`, 150)
    if (rss !== null) writeFileSync(join(args.resultsDir, 'latest-rss.svg'), rss)
    writeFileSync(join(args.resultsDir, 'latest.md'), markdownReport(meta, summaries, 'latest.svg', targets, rss === null ? null : 'latest-rss.svg'))
    log(`bench: wrote ${relative(process.cwd(), join(args.resultsDir, 'latest.md'))}, latest.svg${rss === null ? '' : ', latest-rss.svg'}`)
  }
  if (args.history && args.resultsDir !== null) {
    log(`bench: appended to ${relative(process.cwd(), appendHistory(args.resultsDir, meta, summaries, targets))}`)
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
