// A plain SVG bar chart of a comparison run: one panel per scenario, one horizontal bar
// per client (median), a whisker for the min–max spread, failed clients marked.
import type { ScenarioSummary } from './summary.js'

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const colors: Record<string, string> = {
  kafkats: '#2f6fdf',
  kafkajs: '#8a8f98',
  platformatic: '#9a6fd0',
  librdkafka: '#e08a2e',
  java: '#3e9f5a',
  kcat: '#b5651d'
}

function fmtValue (n: number, latency: boolean): string {
  if (latency) return `${n.toFixed(1)} ms`
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M/s` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} k/s` : `${n.toFixed(0)}/s`
}

/** The chart as SVG text. Throughput panels show records/s (longer is better); latency shows p99 ms (shorter is better). */
export function barChart (scenarios: ScenarioSummary[], title: string): string {
  const width = 760
  const labelW = 110
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
      parts.push(`<text x="${labelW - 8}" y="${y + barH - 5}" font-size="12" text-anchor="end">${esc(c.client)}</text>`)
      if (!Number.isFinite(m)) {
        const why = c.errors[0] ?? 'no result'
        const text = why.startsWith('not supported') ? why : `failed: ${why}`
        parts.push(`<text x="${labelW}" y="${y + barH - 5}" font-size="11" fill="#b00020">${esc(text.length > 100 ? text.slice(0, 97) + '…' : text)}</text>`)
      } else {
        const w = Math.max(1, m / top * barMax)
        parts.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${colors[c.client] ?? '#777'}"/>`)
        const x1 = labelW + min(c) / top * barMax
        const x2 = labelW + max(c) / top * barMax
        const cy = y + barH / 2
        parts.push(`<path d="M${x1.toFixed(1)} ${cy}H${x2.toFixed(1)}M${x1.toFixed(1)} ${cy - 4}V${cy + 4}M${x2.toFixed(1)} ${cy - 4}V${cy + 4}" stroke="#222" stroke-width="1"/>`)
        const ratio = Number.isFinite(c.ratio) && c.client !== 'kafkats' ? ` (${c.ratio.toFixed(2)}× kafkats)` : ''
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
