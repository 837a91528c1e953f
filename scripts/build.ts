/**
 * `npm run build` (also `prepack`): dist/ from a clean slate (no stale file from a removed
 * source can reach the tarball), `tsc -p tsconfig.build.json`, then dist/index.d.cts and
 * dist/otel/index.d.cts and dist/kafkajs/index.d.cts, the types of `require('kafkats')`,
 * `require('kafkats/otel')` and `require('kafkats/kafkajs')` (the package.json `require`
 * conditions). The JavaScript is the one ES module build, loaded by Node's require(esm)
 * (Node ^20.19 / >=22.12); the .d.cts only tells
 * TypeScript's CommonJS resolution (module node16..nodenext) that the same declarations apply.
 * docs/DESIGN.md, "Package".
 */
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' })
if (r.status !== 0) process.exit(r.status ?? 1)
// One per entry of package.json `exports` (each has `import` and `require` conditions).
for (const [file, entry] of [
  ['../dist/index.d.cts', 'kafkats'],
  ['../dist/otel/index.d.cts', 'kafkats/otel'],
  ['../dist/kafkajs/index.d.cts', 'kafkats/kafkajs'],
]) {
  writeFileSync(new URL(file, import.meta.url), `// Types of require('${entry}'): the same ES module, loaded by require(esm).\nexport * from './index.js'\n`)
}
