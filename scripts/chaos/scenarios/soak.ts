// Scenario 5: a soak. Records produced at a fixed rate and consumed in a group for a while; the
// client's resident memory is sampled every few seconds. Expect a flat RSS after warm-up (the
// least-squares slope over the second half of the samples), no growth in open handles or timers,
// and every record consumed.
import { check, createTopic, sleep, type ChaosContext, type ScenarioResult } from '../harness.js'

/** Least-squares slope of y over x. */
function slope (xs: number[], ys: number[]): number {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my)
    den += (xs[i] - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

function handles (): number {
  return process.getActiveResourcesInfo().length
}

export async function soak (ctx: ChaosContext, seconds: number, ratePerSecond = 5_000): Promise<ScenarioResult> {
  const kafka = ctx.newKafka({ clientId: 'chaos-soak' })
  const topic = `chaos-soak-${Date.now()}`
  const checks: string[] = []
  try {
    await createTopic(kafka, topic, 3, 3)
    const producer = kafka.producer({ acks: 'all', lingerMs: 5 })
    const consumer = kafka.consumer({ groupId: `chaos-soak-${Date.now()}`, topics: [topic], resetStrategy: 'earliest' })
    let consumed = 0
    let running = true
    const reading = (async () => {
      while (running) {
        const ev = await consumer.poll(500)
        if (ev.type === 'records' && ev.records.length > 0) {
          consumed += ev.records.length
          await consumer.commit()
        }
      }
    })()
    const started = Date.now()
    const times: number[] = []
    const rss: number[] = []
    let handlesAtWarm = -1
    let produced = 0
    let failed = 0
    const tickMs = 100
    const perTick = Math.max(1, Math.round(ratePerSecond * tickMs / 1000))
    let nextSample = started
    while (Date.now() - started < seconds * 1000) {
      const batch = Array.from({ length: perTick }, (_, j) => ({ topic, key: `k${(produced + j) % 997}`, value: `soak-${produced + j}` }))
      producer.sendBatch(batch).catch(() => { failed += batch.length })
      produced += perTick
      if (Date.now() >= nextSample) {
        times.push((Date.now() - started) / 1000)
        rss.push(process.memoryUsage().rss)
        if (handlesAtWarm < 0 && Date.now() - started > seconds * 500) handlesAtWarm = handles()
        nextSample += 5_000
      }
      await sleep(tickMs)
    }
    await producer.flush()
    const until = Date.now() + 120_000
    while (Date.now() < until && consumed < produced - failed) await sleep(200)
    const handlesAtEnd = handles()
    running = false
    await reading
    await consumer.stop()
    await producer.close()
    const half = Math.floor(times.length / 2)
    const mibPerMin = slope(times.slice(half), rss.slice(half)) * 60 / (1024 * 1024)
    check(checks, failed === 0, `${failed} sends failed`)
    check(checks, consumed >= produced - failed, `consumed ${consumed} of ${produced}`)
    check(checks, mibPerMin < 1, `RSS slope over the second half ${mibPerMin.toFixed(3)} MiB/min`)
    check(checks, handlesAtWarm < 0 || handlesAtEnd <= handlesAtWarm + 2, `open handles ${handlesAtWarm} at half time, ${handlesAtEnd} at the end`)
    return {
      name: `soak ${seconds} s at ${ratePerSecond}/s`,
      ok: checks.every(c => c.startsWith('ok')),
      checks,
      figures: { records: produced, consumed, failed, rssStartMiB: Math.round((rss[0] ?? 0) / 1048576), rssEndMiB: Math.round((rss[rss.length - 1] ?? 0) / 1048576), rssSlopeMiBPerMin: Number(mibPerMin.toFixed(3)), handlesAtWarm, handlesAtEnd, seconds }
    }
  } finally {
    await kafka.disconnectAll()
  }
}
