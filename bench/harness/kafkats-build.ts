// kafkats runs in the comparison as users run it: the built package (dist/, `npm run build`),
// not the TypeScript source through tsx, whose loader thread and compiler would add about 45 MiB
// of RSS and a few tenths of a CPU second to every run. The scenario scripts are TypeScript too:
// they are transpiled (types stripped, nothing bundled) into bench/.build/kafkats/, their
// imports of src/index.js pointed at dist/index.js. Rebuilt at every harness start, so a run
// always measures the working tree.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript'
import { benchDir, repoRoot } from './paths.js'

const sourceDir = join(benchDir, 'scenarios', 'kafkats')
/** Where the transpiled kafkats scenario scripts go (git-ignored). */
export const kafkatsBuildDir = join(benchDir, '.build', 'kafkats')

function importPath(from: string, to: string): string {
  const p = relative(from, to).split('\\').join('/')
  return p.startsWith('.') ? p : `./${p}`
}

/** `npm run build`, then the scenario scripts transpiled against dist/. @throws when either fails. */
export function buildKafkatsScenarios(log: (line: string) => void): void {
  const started = Date.now()
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) throw new Error('npm run build failed (kafkats is benchmarked from dist/)')
  rmSync(kafkatsBuildDir, { recursive: true, force: true })
  mkdirSync(kafkatsBuildDir, { recursive: true })
  const toDist = importPath(kafkatsBuildDir, join(repoRoot, 'dist', 'index.js'))
  const toShared = importPath(kafkatsBuildDir, join(benchDir, 'scenarios', 'shared'))
  for (const file of readdirSync(sourceDir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(sourceDir, file), 'utf8')
      .replaceAll("'../../../src/index.js'", `'${toDist}'`)
      .replaceAll("'../shared/", `'${toShared}/`)
    if (source.includes('../../../src/')) throw new Error(`bench/scenarios/kafkats/${file} imports src/ beyond src/index.js: use the public API`)
    const out = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    })
    const target = join(kafkatsBuildDir, file.replace(/\.ts$/, '.js'))
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, out.outputText)
  }
  log(`kafkats: built dist/ and the scenario scripts in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
