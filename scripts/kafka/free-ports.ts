// Free ports for a local cluster, chosen at start instead of fixed: a fixed port can be taken by
// another cluster, another clone's tests, or an outgoing connection (Linux hands out 32768–60999).
import { clusterPortsFree } from './control.js'

/** Linux's default ephemeral range starts here; listeners stay below it. */
const EPHEMERAL_START = 32768

/**
 * A base port for `nodes` nodes whose every listener (node N of a larger cluster at
 * N·10000 + base, each node five ports from there) is free on 127.0.0.1 and below the
 * ephemeral range. Candidates are tried in a random order, so test files that start clusters at
 * the same moment rarely pick the same one. Throws when none is free.
 */
export async function freeBasePort (nodes: number): Promise<number> {
  const highest = nodes === 1 ? EPHEMERAL_START - 10 : EPHEMERAL_START - nodes * 10000 - 10
  const lowest = nodes === 1 ? 10000 : 1100
  const candidates: number[] = []
  for (let base = lowest; base <= highest; base += 10) candidates.push(base)
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[candidates[i], candidates[j]] = [candidates[j], candidates[i]]
  }
  for (const base of candidates.slice(0, 200)) {
    if (await clusterPortsFree(nodes, base)) return base
  }
  throw new Error(`no free ports for a ${nodes}-node cluster below ${EPHEMERAL_START}`)
}
