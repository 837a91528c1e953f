// Bad arguments exit 2 with one clear line; an unreachable broker fails with 1 within the
// connection timeout; help and the -X listing.
import { createServer } from 'node:net'
import t from 'tap'
import { cliEnv, lines, runCli } from './cli-runner.js'

const usage: [string, string[], RegExp][] = [
  ['unknown flag', ['consume', '-t', 'x', '--bogus'], /^kafkats: unknown option '--bogus' for 'kafkats consume'/],
  ['missing topic', ['produce'], /^kafkats: kafkats produce: -t TOPIC is required$/],
  ['bad number', ['produce', '-t', 'x', '-p', 'two'], /^kafkats: -p: expected a whole number, got 'two'$/],
  ['bad count', ['consume', '-t', 'x', '-c', '0'], /^kafkats: -c: 0 is out of range/],
  ['bad offset', ['consume', '-t', 'x', '-o', 'latest'], /^kafkats: -o: expected beginning, end, stored/],
  ['bad format', ['consume', '-t', 'x', '-f', '%q'], /^kafkats: -f: unknown token '%q'/],
  ['unknown -X', ['metadata', '-X', 'linger.msec=5'], /^kafkats: unknown property 'linger.msec' in -X \(did you mean 'linger.ms'\?\)/],
  ['bad -X value', ['metadata', '-X', 'request.timeout.ms=soon'], /^kafkats: -X request.timeout.ms: expected a whole number/],
  ['unknown command', ['consoom'], /^kafkats: unknown command 'consoom'/],
  ['missing file', ['produce', '-t', 'x', '/nonexistent/file'], /^kafkats: kafkats produce: cannot read \/nonexistent\/file: ENOENT$/],
  ['missing group', ['offsets'], /^kafkats: kafkats offsets: -g GROUP is required$/],
  ['stored without group', ['consume', '-t', 'x', '-o', 'stored'], /^kafkats: -o stored needs -g GROUP/],
  ['missing subcommand', ['topic'], /^kafkats: kafkats topic: name a subcommand/],
  ['bad codec', ['produce', '-t', 'x', '-z', 'brotli'], /^kafkats: -z: expected gzip, snappy, lz4, zstd or none/],
]

for (const [name, args, message] of usage) {
  t.test(`bad arguments: ${name}`, async (t) => {
    // No broker listens at the default address: exit 2 (not 1) shows the check came before connecting.
    const r = await runCli(args, { env: cliEnv({ KAFKA_BOOTSTRAP: '127.0.0.1:1' }) })
    t.equal(r.code, 2, r.stderr)
    t.equal(lines(r.stderr).length, 1, 'one line')
    t.match(r.stderr.trimEnd(), message)
    t.equal(r.stdout.length, 0)
  })
}

t.test('unreachable broker: a clear message and exit 1 within the connection timeout', async (t) => {
  // A port that was just free: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
  const r = await runCli(['metadata', '-b', `127.0.0.1:${port}`], { killAfterMs: 60_000 })
  t.equal(r.code, 1, r.stderr)
  t.match(r.stderr, new RegExp(`^kafkats: no broker of 127\\.0\\.0\\.1:${port} answered within 10000 ms: .*ECONNREFUSED`))
  t.equal(lines(r.stderr).length, 1)
  t.comment(`failed after ${Math.round(r.durationMs)} ms (10 s timeout + process start)`)

  const quick = await runCli(['consume', '-t', 'x', '-b', `127.0.0.1:${port}`, '-X', 'socket.connection.setup.timeout.ms=2000'], { killAfterMs: 60_000 })
  t.equal(quick.code, 1)
  t.match(quick.stderr, /answered within 2000 ms/)
})

t.test('a broker that accepts but never answers fails within the timeout too', async (t) => {
  const sockets: import('node:net').Socket[] = []
  const server = createServer((s) => sockets.push(s))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const s of sockets) s.destroy()
    server.close()
  })
  const port = (server.address() as { port: number }).port
  const r = await runCli(['group', 'list', '-b', `127.0.0.1:${port}`, '-X', 'socket.connection.setup.timeout.ms=3000'], { killAfterMs: 60_000 })
  t.equal(r.code, 1, r.stderr)
  t.match(r.stderr, new RegExp(`^kafkats: no broker of 127\\.0\\.0\\.1:${port} answered within 3000 ms`))
})

t.test('help', async (t) => {
  const top = await runCli(['--help'])
  t.equal(top.code, 0)
  for (const c of ['produce', 'consume', 'metadata', 'topic', 'group', 'offsets']) t.match(top.stdout.toString(), new RegExp(`\\n  ${c}\\s`))
  const none = await runCli([])
  t.equal(none.code, 2, 'no command is a usage error')
  for (const c of [['produce'], ['consume'], ['metadata'], ['offsets'], ['topic', 'create'], ['topic', 'describe'], ['group', 'describe']]) {
    const r = await runCli([...c, '--help'])
    t.equal(r.code, 0)
    t.match(r.stdout.toString(), new RegExp(`^usage: kafkats ${c.join(' ')}`))
    t.match(r.stdout.toString(), /-X, --property KEY=VALUE/)
  }
  const list = await runCli(['-X', 'list'])
  t.equal(list.code, 0)
  t.match(list.stdout.toString(), /^bootstrap\.servers \(metadata\.broker\.list\)\s+client\s+bootstrapServers/)
  t.match(list.stdout.toString(), /\nlinger\.ms \(queue\.buffering\.max\.ms\)\s+producer\s+lingerMs/)
  const version = await runCli(['--version'])
  t.match(version.stdout.toString(), /^kafkats \d+\.\d+\.\d+\n$/)
})

t.test('the environment: KAFKA_BOOTSTRAP is the default broker list', async (t) => {
  const r = await runCli(['metadata', '--json'], { env: cliEnv() })
  t.equal(r.code, 0, r.stderr)
  t.ok(JSON.parse(r.stdout.toString()).brokers.length >= 1)
})

t.test('producing to a missing topic the producer may not create fails at once', async (t) => {
  const r = await runCli(['produce', '-t', `cli-missing-${Date.now()}`, '-X', 'allow.auto.create.topics=false'], { input: 'x\n' })
  t.equal(r.code, 1)
  t.match(r.stderr, /^kafkats: UNKNOWN_TOPIC_OR_PARTITION \(3\): topic cli-missing-\d+ does not exist\n$/)
  t.ok(r.durationMs < 120_000, 'before the delivery timeout (120 s): the missing topic is final, not retried')
})
