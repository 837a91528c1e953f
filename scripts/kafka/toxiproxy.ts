// Toxiproxy (github.com/Shopify/toxiproxy) for fault tests: built from source with `go install`
// into ~/.cache/kafkats/bin the first time (about 20-40 s), started on a free loopback port,
// driven over its HTTP API (proxies, toxics). Everything listens on 127.0.0.1 only.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { homedir } from 'node:os'
import { join } from 'node:path'

const TOXIPROXY_MODULE = 'github.com/Shopify/toxiproxy/v2/cmd/server'
/** Pinned so every machine builds the same proxy. */
const TOXIPROXY_VERSION = process.env.KAFKATS_TOXIPROXY_VERSION ?? 'v2.12.0'

const binDir = join(homedir(), '.cache', 'kafkats', 'bin')
const binary = join(binDir, 'server')

/** The toxiproxy server binary, built with `go install` when missing. Throws when go fails. */
export function ensureToxiproxy (log: (line: string) => void = () => {}): string {
  if (existsSync(binary)) return binary
  mkdirSync(binDir, { recursive: true })
  log(`toxiproxy: building ${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION} with go install…`)
  const r = spawnSync('go', ['install', `${TOXIPROXY_MODULE}@${TOXIPROXY_VERSION}`], {
    env: { ...process.env, GOBIN: binDir },
    encoding: 'utf8'
  })
  if (r.error !== undefined) throw new Error(`toxiproxy: cannot run go: ${r.error.message}`)
  if (r.status !== 0 || !existsSync(binary)) throw new Error(`toxiproxy: go install failed:\n${r.stderr}`)
  return binary
}

/** A free TCP port on 127.0.0.1, as the OS hands one out. */
export function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** A toxic (https://github.com/Shopify/toxiproxy#toxics): latency, bandwidth, timeout, reset_peer, slicer… */
export interface Toxic {
  name: string
  type: 'latency' | 'bandwidth' | 'slow_close' | 'timeout' | 'reset_peer' | 'slicer' | 'limit_data'
  stream?: 'upstream' | 'downstream'
  toxicity?: number
  attributes: Record<string, number>
}

/** A running toxiproxy server and its HTTP API. */
export class Toxiproxy {
  private constructor (private readonly child: ChildProcess | null, readonly apiPort: number, private readonly serverPid: number | undefined) {}

  /**
   * Builds (if needed) and starts a server on a free port; resolves when its API answers.
   * `detached`: the server outlives this process (kafka:start's mode; stopped by its pid).
   */
  static async start (log: (line: string) => void = () => {}, options: { detached?: boolean } = {}): Promise<Toxiproxy> {
    const bin = ensureToxiproxy(log)
    const apiPort = await freePort()
    const detached = options.detached === true
    const child = spawn(bin, ['-host', '127.0.0.1', '-port', String(apiPort)], { stdio: ['ignore', 'ignore', detached ? 'ignore' : 'pipe'], detached })
    let stderr = ''
    child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000) })
    if (detached) child.unref()
    const proxy = new Toxiproxy(detached ? null : child, apiPort, child.pid)
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`toxiproxy exited at start:\n${stderr}`)
      try {
        await proxy.api('GET', '/version')
        return proxy
      } catch {
        await new Promise(resolve => setTimeout(resolve, 100))
      }
    }
    child.kill('SIGKILL')
    throw new Error(`toxiproxy did not answer on 127.0.0.1:${apiPort}:\n${stderr}`)
  }

  /** The server another process started (kafka:start --toxiproxy), from its API port and pid. */
  static attach (apiPort: number, pid?: number): Toxiproxy {
    return new Toxiproxy(null, apiPort, pid)
  }

  get pid (): number | undefined {
    return this.serverPid
  }

  private async api (method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`http://127.0.0.1:${this.apiPort}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text}`)
    return text === '' ? null : JSON.parse(text) as unknown
  }

  /** A proxy listening on 127.0.0.1:`listenPort` (0: a free one) forwarding to `upstream`; returns its port. */
  async createProxy (name: string, upstream: string, listenPort = 0): Promise<number> {
    const port = listenPort === 0 ? await freePort() : listenPort
    await this.api('POST', '/proxies', { name, listen: `127.0.0.1:${port}`, upstream, enabled: true })
    return port
  }

  async addToxic (proxy: string, toxic: Toxic): Promise<void> {
    await this.api('POST', `/proxies/${proxy}/toxics`, { stream: 'downstream', toxicity: 1, ...toxic })
  }

  async removeToxic (proxy: string, toxic: string): Promise<void> {
    await this.api('DELETE', `/proxies/${proxy}/toxics/${toxic}`)
  }

  /** Disables (cuts every connection, refuses new ones) or enables a proxy. */
  async setEnabled (proxy: string, enabled: boolean): Promise<void> {
    await this.api('POST', `/proxies/${proxy}`, { enabled })
  }

  /** Removes every toxic and re-enables every proxy. */
  async reset (): Promise<void> {
    await this.api('POST', '/reset')
  }

  /** Stops the server (by its pid). */
  async stop (): Promise<void> {
    const child = this.child
    if (child === null) {
      if (this.serverPid !== undefined) await stopToxiproxyPid(this.serverPid)
      return
    }
    if (child.exitCode !== null) return
    const exited = new Promise(resolve => child.once('exit', resolve))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

/** Stops a toxiproxy server by pid (TERM, then KILL), if it is one and still runs. */
export async function stopToxiproxyPid (pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  if (!alive() || !isToxiproxy(pid)) return
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 50 && alive(); i++) await new Promise(resolve => setTimeout(resolve, 100))
  if (alive()) process.kill(pid, 'SIGKILL')
}

function isToxiproxy (pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === binary
  } catch {
    return false
  }
}
