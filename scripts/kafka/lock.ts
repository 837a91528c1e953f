// A lock file per cluster folder, so concurrent starts and stops of one cluster (parallel
// test files, several people in one working tree) run one after the other.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { isAlive } from './processes.js'

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

function lockPath (dir: string): string {
  return join(dir, '.lock')
}

/** True when the lock file names no live process (its holder died). */
function stale (path: string): boolean {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim())
    return !Number.isInteger(pid) || pid <= 0 || !isAlive(pid)
  } catch {
    return false
  }
}

/**
 * Runs `fn` holding the lock of cluster folder `dir`; waits up to `timeoutMs` (default
 * 240 s) for another holder. Re-entrant within one process is not supported.
 */
export async function withClusterLock<T> (dir: string, fn: () => Promise<T>, timeoutMs = 240_000): Promise<T> {
  const path = lockPath(dir)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      // Inside the loop: a holder's stop --clean deletes the folder.
      mkdirSync(dirname(path), { recursive: true })
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      if (stale(path)) { rmSync(path, { force: true }); continue }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${path} (held by another start or stop)`)
      await sleep(200)
    }
  }
  try {
    return await fn()
  } finally {
    // Only our own lock: after a --clean another process may hold a new one.
    let holder = ''
    try { holder = readFileSync(path, 'utf8').trim() } catch { /* gone with the folder */ }
    if (holder === String(process.pid)) rmSync(path, { force: true })
  }
}
