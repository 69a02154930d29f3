import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DurableLog } from '../../../scripts/local-cloud/gateway/durable-log'

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'wal-'))
const walFile = (dir: string) =>
  path.join(
    dir,
    readdirSync(dir).find((f) => f.startsWith('wal-'))!,
  )

describe('durable log', () => {
  it('replays acknowledged records after a reopen', async () => {
    const dir = tempDir()
    const { log } = await DurableLog.open(dir)
    await Promise.all([
      log.append([{ c: 'a', id: '1', d: { _id: '1', v: 1 } }]),
      log.append([{ c: 'a', id: '2', d: { _id: '2' } }]),
    ])
    await log.close()
    const { state } = await DurableLog.open(dir)
    expect(state.records.map((r) => r.s)).toEqual([1, 2])
    expect(state.records[0]!.ops[0]).toEqual({ c: 'a', id: '1', d: { _id: '1', v: 1 } })
  })

  it('drops a torn last record (a crash mid-write) and truncates it away', async () => {
    const dir = tempDir()
    const { log } = await DurableLog.open(dir)
    await log.append([{ c: 'a', id: '1', d: { _id: '1' } }])
    await log.close()
    const file = walFile(dir)
    const goodBytes = readFileSync(file).length
    appendFileSync(file, '57 1a2b3c {"s":2,"ops":[{"c":"a","id":"2","d":{"_i')
    const { log: reopened, state } = await DurableLog.open(dir)
    expect(state.records).toHaveLength(1)
    expect(readFileSync(file).length).toBe(goodBytes)
    // the next record continues the sequence after the last good one
    await reopened.append([{ c: 'a', id: '3', d: { _id: '3' } }])
    await reopened.close()
    expect((await DurableLog.open(dir)).state.records.map((r) => r.s)).toEqual([1, 2])
  })

  it('refuses a record whose checksum does not match', async () => {
    const dir = tempDir()
    const { log } = await DurableLog.open(dir)
    await log.append([{ c: 'a', id: '1', d: { _id: '1', v: 1 } }])
    await log.close()
    const file = walFile(dir)
    writeFileSync(file, readFileSync(file, 'utf8').replace('"v":1', '"v":9'))
    const { state } = await DurableLog.open(dir)
    expect(state.records).toHaveLength(0)
  })

  it('groups concurrent appends into few syncs and acknowledges each', async () => {
    const dir = tempDir()
    const { log } = await DurableLog.open(dir)
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        log.append([{ c: 'a', id: String(i), d: { _id: String(i) } }]).then(() => i),
      ),
    )
    expect(acks).toHaveLength(200)
    expect(log.durableSeq).toBe(200)
    await log.close()
  })

  it('a snapshot covers earlier records; later records replay on top', async () => {
    const dir = tempDir()
    const { log } = await DurableLog.open(dir)
    await log.append([{ c: 'a', create: true }])
    await log.append([{ c: 'a', id: '1', d: { _id: '1', v: 1 } }])
    await log.beginSnapshot(() => ({
      collections: ['a'],
      docs: [{ c: 'a', d: { _id: '1', v: 1 } }],
    }))
    await log.append([{ c: 'a', id: '1', d: { _id: '1', v: 2 } }])
    await log.close()
    const { state } = await DurableLog.open(dir)
    expect(state.seq).toBe(3)
    expect(state.docs).toEqual([{ c: 'a', d: { _id: '1', v: 1 } }])
    expect(state.records.map((r) => r.s)).toEqual([3])
    expect(readdirSync(dir).filter((f) => f.startsWith('wal-'))).toHaveLength(1)
  })
})
