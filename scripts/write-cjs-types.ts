/**
 * Writes dist/index.d.cts after `tsc`: the types of `require('kafkats')` (the package.json
 * `require` condition). The JavaScript is the one ES module build, loaded by Node's require(esm)
 * (Node ^20.19 / >=22.12); this file only tells TypeScript's CommonJS resolution (module
 * node16..nodenext) that the same declarations apply. docs/DESIGN.md, "Package".
 */
import { writeFileSync } from 'node:fs'

writeFileSync(
  new URL('../dist/index.d.cts', import.meta.url),
  "// Types of require('kafkats'): the same ES module, loaded by require(esm).\nexport * from './index.js'\n",
)
