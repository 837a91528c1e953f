// npm run kafka:start -- [--version V] [--nodes N] [--keep-data] [--base-port P] [--dir D] [--fresh] [--toxiproxy] [--broker-property K=V]...
// Starts a local Apache Kafka cluster in the background (see docs/local-kafka.md).
import { parseArgs } from 'node:util'
import { clusterFilePath } from './cluster-file.js'
import { startCluster } from './control.js'
import { defaultClusterDir, kafkaVersion } from './layout.js'

const { values } = parseArgs({
  options: {
    version: { type: 'string', default: kafkaVersion },
    nodes: { type: 'string', default: '1' },
    'keep-data': { type: 'boolean', default: false },
    'base-port': { type: 'string', default: '9092' },
    dir: { type: 'string', default: defaultClusterDir },
    fresh: { type: 'boolean', default: false },
    toxiproxy: { type: 'boolean', default: false },
    'broker-property': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', short: 'h', default: false }
  }
})

if (values.help) {
  console.log(`usage: node --import tsx scripts/kafka/start.ts [options]
  --version V      Apache Kafka release (default ${kafkaVersion}): 4.x and 3.x (3.5+) run as
                   KRaft, 2.x as brokers with one ZooKeeper
  --nodes N        nodes (default 1): combined broker+controller, or brokers in ZooKeeper mode
  --keep-data      keep the data of the previous run instead of formatting afresh
  --base-port P    PLAINTEXT port of node 1 of a 1-node cluster (default 9092);
                   node N of a bigger cluster gets N*10000+P
  --dir D          cluster folder (default .kafka)
  --fresh          restart even when the same cluster already runs
  --toxiproxy      a Toxiproxy proxy in front of every node's PLAINTEXT listener, advertised
                   instead of it (clients reach brokers only through the proxies; brokers
                   replicate directly); built with go install the first time
  --broker-property K=V
                   one more server.properties line on every node (repeatable); {node} in V
                   is the node id, e.g. --broker-property broker.rack=rack-{node}`)
  process.exit(0)
}

const extra: Array<[string, string]> = []
for (const kv of values['broker-property']) {
  const at = kv.indexOf('=')
  if (at <= 0) {
    console.error(`--broker-property wants KEY=VALUE, got ${kv}`)
    process.exit(1)
  }
  extra.push([kv.slice(0, at), kv.slice(at + 1)])
}

try {
  const cluster = await startCluster({
    ...(extra.length > 0 ? { brokerProperties: (nodeId: number) => Object.fromEntries(extra.map(([k, v]) => [k, v.replaceAll('{node}', String(nodeId))])) } : {}),
    version: values.version,
    nodes: Number(values.nodes),
    basePort: Number(values['base-port']),
    dir: values.dir,
    keepData: values['keep-data'],
    reuse: !values.fresh,
    toxiproxy: values.toxiproxy
  })
  console.log(`kafka: cluster file ${clusterFilePath(cluster.dir)}`)
} catch (err) {
  console.error((err as Error).message)
  process.exit(1)
}
