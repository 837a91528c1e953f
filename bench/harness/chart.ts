// Plain SVG charts of a comparison run: bars (one panel per scenario, one horizontal bar
// per row, median, a whisker for the min–max spread, failed rows marked) and RSS over time
// (one line per row, for the scenarios that sample it).
import type { ClientSummary, ScenarioSummary } from './summary.js'

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const colors: Record<string, string> = {
  kafkats: '#2f6fdf',
  kafkajs: '#8a8f98',
  platformatic: '#9a6fd0',
  'node-rdkafka': '#e0b02e',
  librdkafka: '#e08a2e',
  'franz-go': '#17a2b8',
  java: '#3e9f5a',
  kcat: '#b5651d'
}

/** A row's colour: its client's, lighter for a kafkats variant. */
function colorOf (c: ClientSummary): string {
  if (c.row !== c.client && c.client === 'kafkats') return '#8fb4f0'
  return colors[c.client] ?? '#777'
}

function fmtValue (n: number, latency: boolean): string {
  if (latency) return `${n.toFixed(1)} ms`
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k/s` : `${n.toFixed(0)}/s`
}

/** The chart as SVG text. Throughput panels show records/s (longer is better); latency shows p99 ms (shorter is better). */
export function barChart (scenarios: ScenarioSummary[], title: string): string {
  const width = 760
  const labelW = 150
  const valueW = 130
  const barMax = width - labelW - valueW - 60
  const barH = 18
  const gap = 6
  const parts: string[] = []
  let y = 34
  parts.push(`<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`)
  for (const s of scenarios) {
    const latency = s.kind === 'latency'
    const median = (c: typeof s.clients[number]): number => latency ? c.p99.median : c.recordsPerSec.median
    const max = (c: typeof s.clients[number]): number => latency ? c.p99.max : c.recordsPerSec.max
    const min = (c: typeof s.clients[number]): number => latency ? c.p99.min : c.recordsPerSec.min
    const top = Math.max(1, ...s.clients.map(max).filter(Number.isFinite))
    y += 18
    parts.push(`<text x="10" y="${y}" font-size="13" font-weight="bold">${esc(s.name)}</text>`)
    parts.push(`<text x="${labelW}" y="${y}" font-size="11" fill="#555">${latency ? 'p99 produce→consume latency, ms (shorter is better)' : 'records/s, median of runs, whisker min–max (longer is better)'}</text>`)
    y += 8
    for (const c of s.clients) {
      const m = median(c)
      parts.push(`<text x="${labelW - 8}" y="${y + barH - 5}" font-size="12" text-anchor="end">${esc(c.row)}</text>`)
      if (!Number.isFinite(m)) {
        const why = c.errors[0] ?? 'no result'
        const text = why.startsWith('not supported') ? why : `failed: ${why}`
        parts.push(`<text x="${labelW}" y="${y + barH - 5}" font-size="11" fill="#b00020">${esc(text.length > 100 ? text.slice(0, 97) + '…' : text)}</text>`)
      } else {
        const w = Math.max(1, m / top * barMax)
        parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${colorOf(c)}"/>`)
        const x1 = labelW + min(c) / top * barMax
        const x2 = labelW + max(c) / top * barMax
        const cy = y + barH / 2
        parts.push(`<path d="M${x1.toFixed(1)} ${cy}H${x2.toFixed(1)}M${x1.toFixed(1)} ${cy - 4}V${cy + 4}M${x2.toFixed(1)} ${cy - 4}V${cy + 4}" stroke="#222" stroke-width="1"/>`)
        const ratio = Number.isFinite(c.ratio) && c.row !== 'kafkats' ? ` (${c.ratio.toFixed(2)}× kafkats)` : ''
        parts.push(`<text x="${(Math.max(labelW + w, x2) + 6).toFixed(1)}" y="${y + barH - 5}" font-size="11">${esc(fmtValue(m, latency) + ratio)}</text>`)
      }
      y += barH + gap
    }
  }
  y += 12
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${y}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    ''
  ].join('\n')
}

/**
 * RSS over time of one scenario: a line per row (its median-speed successful repetition),
 * seconds on x, MiB on y, with a dashed line at `targetMiB`.
 */
export function rssChart (s: ScenarioSummary, title: string, targetMiB: number): string | null {
  const lines: Array<{ c: ClientSummary, points: Array<{ t: number, rss: number }> }> = []
  for (const c of s.clients) {
    const runs = c.runs.filter(r => r.ok && r.rss !== undefined && r.rss.length > 0)
    if (runs.length === 0) continue
    runs.sort((a, b) => (a.recordsPerSec ?? 0) - (b.recordsPerSec ?? 0))
    lines.push({ c, points: runs[runs.length >> 1].rss! })
  }
  if (lines.length === 0) return null
  const width = 760
  const height = 360
  const left = 60
  const right = 170
  const top = 40
  const bottom = 40
  const maxT = Math.max(1, ...lines.flatMap(l => l.points.map(p => p.t)))
  const maxMiB = Math.max(targetMiB * 1.2, ...lines.flatMap(l => l.points.map(p => p.rss / 1048576))) * 1.05
  const px = (t: number): number => left + t / maxT * (width - left - right)
  const py = (m: number): number => height - bottom - m / maxMiB * (height - top - bottom)
  const parts: string[] = [`<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`]
  parts.push(`<path d="M${left} ${top}V${height - bottom}H${width - right}" stroke="#222" fill="none"/>`)
  const step = maxMiB > 800 ? 200 : maxMiB > 400 ? 100 : 50
  for (let m = 0; m <= maxMiB; m += step) {
    parts.push(`<text x="${left - 6}" y="${py(m) + 4}" font-size="10" text-anchor="end">${m}</text>`)
    parts.push(`<path d="M${left} ${py(m)}H${width - right}" stroke="#eee"/>`)
  }
  const tStep = maxT > 60 ? 20 : maxT > 20 ? 5 : maxT > 5 ? 1 : 0.5
  for (let t = 0; t <= maxT; t += tStep) parts.push(`<text x="${px(t)}" y="${height - bottom + 14}" font-size="10" text-anchor="middle">${t}</text>`)
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 8}" font-size="11" text-anchor="middle">seconds since the process started</text>`)
  parts.push(`<text x="14" y="${top + (height - top - bottom) / 2}" font-size="11" transform="rotate(-90 14 ${top + (height - top - bottom) / 2})" text-anchor="middle">RSS, MiB</text>`)
  parts.push(`<path d="M${left} ${py(targetMiB)}H${width - right}" stroke="#b00020" stroke-dasharray="5 4"/>`)
  parts.push(`<text x="${width - right + 4}" y="${py(targetMiB) + 4}" font-size="10" fill="#b00020">target ${targetMiB} MiB</text>`)
  lines.forEach((l, i) => {
    const d = l.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${px(p.t).toFixed(1)} ${py(p.rss / 1048576).toFixed(1)}`).join('')
    parts.push(`<path d="${d}" stroke="${colorOf(l.c)}" stroke-width="1.6" fill="none"/>`)
    const peak = Math.max(...l.points.map(p => p.rss)) / 1048576
    parts.push(`<rect x="${width - right + 4}" y="${top + 24 + i * 16}" width="10" height="10" fill="${colorOf(l.c)}"/>`)
    parts.push(`<text x="${width - right + 18}" y="${top + 33 + i * 16}" font-size="11">${esc(`${l.c.row} (peak ${peak.toFixed(0)})`)}</text>`)
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    ''
  ].join('\n')
}
