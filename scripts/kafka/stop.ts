// npm run kafka:stop -- [--clean] [--dir D]
// Stops the local cluster: SIGTERM to every node, SIGKILL after 15 s; --clean deletes its folder.
import { parseArgs } from 'node:util'
import { stopCluster } from './control.js'
import { defaultClusterDir } from './layout.js'

const { values } = parseArgs({
  options: {
    clean: { type: 'boolean', default: false },
    dir: { type: 'string', default: defaultClusterDir }
  }
})

try {
  await stopCluster(values.dir, { clean: values.clean })
  if (values.clean) console.error(`kafka: removed ${values.dir}`)
} catch (err) {
  console.error((err as Error).message)
  process.exit(1)
}
