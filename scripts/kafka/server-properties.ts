// server.properties of one node: a combined broker+controller (KRaft, Kafka 3.x and later) or a
// broker with ZooKeeper (Kafka 2.x).
import { brokerMode, host, kafkaVersion, nodePorts, plainUsers } from './layout.js'
import { keystoreKeyPassword, type TlsFiles } from './tls.js'

export interface NodeConfigInput {
  nodeId: number
  nodes: number
  basePort: number
  dataDir: string
  tls: TlsFiles
  /** Apache Kafka release (default: the harness default). */
  version?: string
  /**
   * Toxiproxy mode: the port of the proxy in front of this node's PLAINTEXT listener, advertised
   * instead of the listener's own, so clients reach the node only through the proxy. Brokers
   * then replicate over a REPLICATION listener of their own, which no fault touches.
   */
  proxiedPlaintextPort?: number
  /**
   * More broker properties, appended last (so they override the defaults above), e.g.
   * `broker.rack` or `replica.selector.class`.
   */
  extra?: Record<string, string | number | boolean>
}

/** ZooKeeper's properties (Kafka 2.x clusters): a standalone server on node 1's CONTROLLER port. */
export function zookeeperProperties (dataDir: string, port: number): string {
  return [
    `dataDir=${dataDir}`,
    `clientPortAddress=${host}`,
    `clientPort=${port}`,
    'maxClientCnxns=0',
    'admin.enableServer=false',
    'tickTime=2000'
  ].join('\n') + '\n'
}

function jaasPlain (): string {
  const users = plainUsers.map(u => `user_${u.username}="${u.password}"`).join(' ')
  return `org.apache.kafka.common.security.plain.PlainLoginModule required ${users};`
}

const jaasOauth = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";'

const jaasScram = 'org.apache.kafka.common.security.scram.ScramLoginModule required;'

/** Renders the properties of node `nodeId` of an `nodes`-node cluster. */
export function serverProperties (input: NodeConfigInput): string {
  const { nodeId, nodes, basePort, dataDir, tls } = input
  const version = input.version ?? kafkaVersion
  const zookeeper = brokerMode(version) === 'zookeeper'
  const p = nodePorts(nodeId, nodes, basePort)
  const voters = Array.from({ length: nodes }, (_, i) =>
    `${i + 1}@${host}:${nodePorts(i + 1, nodes, basePort).controller}`).join(',')
  // Internal topics replicate to every node, up to 3.
  const internalRf = Math.min(nodes, 3)
  const lines: Array<[string, string | number | boolean]> = zookeeper
    ? [
        ['broker.id', nodeId],
        ['zookeeper.connect', `${host}:${nodePorts(1, nodes, basePort).controller}`]
      ]
    : [
        ['process.roles', 'broker,controller'],
        ['node.id', nodeId],
        ['controller.quorum.voters', voters],
        ['controller.listener.names', 'CONTROLLER']
      ]
  const proxied = input.proxiedPlaintextPort
  lines.push(
    ['listeners', [
      `PLAINTEXT://${host}:${p.plaintext}`,
      ...(zookeeper ? [] : [`CONTROLLER://${host}:${p.controller}`]),
      `SASL_PLAINTEXT://${host}:${p.saslPlaintext}`,
      `SSL://${host}:${p.ssl}`,
      `SASL_SSL://${host}:${p.saslSsl}`,
      ...(proxied === undefined ? [] : [`REPLICATION://${host}:${p.replication}`])
    ].join(',')],
    ['advertised.listeners', [
      `PLAINTEXT://${host}:${proxied ?? p.plaintext}`,
      `SASL_PLAINTEXT://${host}:${p.saslPlaintext}`,
      `SSL://${host}:${p.ssl}`,
      `SASL_SSL://${host}:${p.saslSsl}`,
      ...(proxied === undefined ? [] : [`REPLICATION://${host}:${p.replication}`])
    ].join(',')],
    ['listener.security.protocol.map',
      'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL' + (proxied === undefined ? '' : ',REPLICATION:PLAINTEXT')],
    ['inter.broker.listener.name', proxied === undefined ? 'PLAINTEXT' : 'REPLICATION'],
    ['log.dirs', dataDir]
  )
  for (const listener of ['sasl_plaintext', 'sasl_ssl']) {
    lines.push(
      [`listener.name.${listener}.sasl.enabled.mechanisms`, 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER'],
      // Unsecured JWTs (Kafka's default OAUTHBEARER validator), for client tests only; sessions of
      // 10 s so that re-authentication (KIP-368) happens within a test.
      [`listener.name.${listener}.oauthbearer.sasl.jaas.config`, jaasOauth],
      [`listener.name.${listener}.oauthbearer.connections.max.reauth.ms`, 10_000],
      [`listener.name.${listener}.plain.sasl.jaas.config`, jaasPlain()],
      [`listener.name.${listener}.scram-sha-256.sasl.jaas.config`, jaasScram],
      [`listener.name.${listener}.scram-sha-512.sasl.jaas.config`, jaasScram]
    )
  }
  lines.push(
    ['ssl.keystore.type', 'PEM'],
    // Kafka 2.x wants the PEM key encrypted (ssl.key.password); later releases take it either way.
    ['ssl.keystore.location', zookeeper ? tls.brokerEncryptedKeystoreFile : tls.brokerKeystoreFile],
    ...(zookeeper ? [['ssl.key.password', keystoreKeyPassword]] satisfies Array<[string, string]> : []),
    ['ssl.truststore.type', 'PEM'],
    ['ssl.truststore.location', tls.caFile],
    // Client certificates are asked for, not required, on the SSL listener (mTLS tests).
    // The broker-wide ssl.client.auth applies to SSL listeners only and warns; say it per listener.
    ['listener.name.ssl.ssl.client.auth', 'requested'],
    // ANONYMOUS is the principal of PLAINTEXT, SSL without a client certificate, the
    // controller listener and inter-broker traffic: they keep full rights.
    ['authorizer.class.name', zookeeper ? 'kafka.security.authorizer.AclAuthorizer' : 'org.apache.kafka.metadata.authorizer.StandardAuthorizer'],
    ['super.users', 'User:admin;User:ANONYMOUS'],
    ['allow.everyone.if.no.acl.found', true],
    ['auto.create.topics.enable', true],
    ['num.partitions', 1],
    ['default.replication.factor', 1],
    ['min.insync.replicas', 1],
    // Internal topics default to 50 partitions each: far too slow to create on 2 cores.
    ['offsets.topic.replication.factor', internalRf],
    ['offsets.topic.num.partitions', 1],
    ['transaction.state.log.replication.factor', internalRf],
    ['transaction.state.log.min.isr', 1],
    ['transaction.state.log.num.partitions', 1],
    ...(Number(version.split('.')[0]) >= 4
      ? [
          ['share.coordinator.state.topic.replication.factor', internalRf],
          ['share.coordinator.state.topic.min.isr', 1],
          ['share.coordinator.state.topic.num.partitions', 1]
        ] satisfies Array<[string, number]>
      : []),
    ['group.initial.rebalance.delay.ms', 0],
    // Lets group tests use short session timeouts.
    ['group.min.session.timeout.ms', 1000],
    ['num.network.threads', 2],
    ['num.io.threads', 2],
    ['background.threads', 2],
    ['num.replica.fetchers', 1],
    // The cleaner's default 128 MB dedupe buffer would take a quarter of the heap.
    ['log.cleaner.dedupe.buffer.size', 33554432]
  )
  for (const [key, value] of Object.entries(input.extra ?? {})) lines.push([key, value])
  return lines.map(([key, value]) => `${key}=${String(value)}`).join('\n') + '\n'
}
