/**
 * Gateway throughput: a single-document conditional `_.inc` update through the real SDK and the
 * gateway (durable: acknowledged after fdatasync, group commit), against the floor: the same SDK
 * call answered by a no-op server on the same loopback. Both servers run as child processes,
 * measured side by side in one run, so the ratio is what to read on a noisy shared machine.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { closedLoop, percentile, round, startChildServer } from './child'

process.env.TENCENTCLOUD = 'true'
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tcb = require('@cloudbase/node-sdk') as typeof import('@cloudbase/node-sdk')

interface LoadResult {
  ops: number
  seconds: number
  opsPerSec: number
  p50Ms: number
  p99Ms: number
}

async function runLoad(
  op: () => Promise<unknown>,
  totalOps: number,
  concurrency: number,
): Promise<LoadResult> {
  const { latencies, seconds } = await closedLoop(totalOps, concurrency, async () => {
    await op()
    return true
  })
  return {
    ops: latencies.length,
    seconds: round(seconds),
    opsPerSec: Math.round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  }
}

export async function benchGateway(
  options: { ops?: number; concurrency?: number } = {},
): Promise<object[]> {
  const totalOps = options.ops ?? 4000
  const concurrency = options.concurrency ?? 32
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-gw-'))
  const gateway = await startChildServer('scripts/local-cloud/gateway/cli.ts', {
    PORT: '0',
    DATA_DIR: dataDir,
  })
  const noop = await startChildServer('scripts/bench/noop-server.ts')
  try {
    const gwDb = tcb
      .init({
        env: 'bench',
        serviceUrl: `${gateway.url}/admin`,
        secretId: 'local',
        secretKey: 'local',
      })
      .database()
    const noopDb = tcb
      .init({
        env: 'bench',
        serviceUrl: `${noop.url}/admin`,
        secretId: 'local',
        secretKey: 'local',
      })
      .database()
    await gwDb.createCollection('bench_counters')
    const { id } = (await gwDb.collection('bench_counters').add({ n: 0 })) as { id: string }
    const _ = gwDb.command
    const conditionalInc = (db: typeof gwDb) => () =>
      db
        .collection('bench_counters')
        .where({ _id: id, n: _.gte(0) })
        .update({ n: _.inc(1) })
    // Warm both paths (JIT, keep-alive sockets) before measuring.
    await runLoad(conditionalInc(gwDb), 300, concurrency)
    await runLoad(conditionalInc(noopDb), 300, concurrency)
    // Interleave rounds so drift on a shared machine hits both sides alike.
    const gatewayRounds: LoadResult[] = []
    const floorRounds: LoadResult[] = []
    for (let round = 0; round < 2; round++) {
      gatewayRounds.push(await runLoad(conditionalInc(gwDb), totalOps / 2, concurrency))
      floorRounds.push(await runLoad(conditionalInc(noopDb), totalOps / 2, concurrency))
    }
    const combine = (rounds: LoadResult[]) => ({
      ops: rounds.reduce((s, r) => s + r.ops, 0),
      opsPerSec: Math.round(
        rounds.reduce((s, r) => s + r.ops, 0) / rounds.reduce((s, r) => s + r.seconds, 0),
      ),
      p50Ms: Math.max(...rounds.map((r) => r.p50Ms)),
      p99Ms: Math.max(...rounds.map((r) => r.p99Ms)),
    })
    const durable = combine(gatewayRounds)
    const floor = combine(floorRounds)
    const final = (await gwDb.collection('bench_counters').doc(id).get()) as {
      data: { n: number }[]
    }
    return [
      { bench: 'gateway.conditionalInc', durable: true, concurrency, ...durable },
      { bench: 'gateway.floor.noopHandler', concurrency, ...floor },
      {
        bench: 'gateway.ratio',
        throughputFloorOverGateway: Number((floor.opsPerSec / durable.opsPerSec).toFixed(2)),
        p50GatewayOverFloor: Number((durable.p50Ms / floor.p50Ms).toFixed(2)),
        target: 'within 2x of the floor',
        counterConsistent: final.data[0]?.n === durable.ops + 300,
      },
    ]
  } finally {
    await gateway.stop()
    await noop.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (require.main === module) {
  benchGateway()
    .then((rows) => rows.forEach((row) => process.stdout.write(`${JSON.stringify(row)}\n`)))
    .catch((err) => {
      process.stderr.write(`${(err as Error).stack}\n`)
      process.exit(1)
    })
}
