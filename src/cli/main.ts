#!/usr/bin/env node
/**
 * The `kafkats` executable. Installed: dist/cli/main.js (package.json `bin`). From source:
 * `node --import tsx src/cli/main.ts …`. SIGINT / SIGTERM stop the running command cleanly; a
 * second one exits at once with 130.
 */
import { runCli } from './run.js'

const controller = new AbortController()
let signals = 0
function onSignal(): void {
  signals++
  if (signals > 1) process.exit(130)
  controller.abort()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
})
process.exitCode = code
// A leftover handle (a socket still closing) must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref()
