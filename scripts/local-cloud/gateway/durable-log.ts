/**
 * The gateway's durability: an append-only write-ahead log with group commit, plus snapshots.
 *
 * Guarantees (what the crash test checks):
 * - A write is acknowledged only after its log record is on disk (`fdatasync`). Many concurrent
 *   writes share one fdatasync (group commit): the flusher takes everything queued while the
 *   previous sync ran, writes it in one `write`, syncs once and resolves all of them.
 * - One record = one atomic change set. A transaction's commit is one record, so after a crash it
 *   is either wholly there or wholly absent.
 * - Each line carries its length and CRC-32; recovery replays records until the first torn or
 *   corrupt line and truncates the file there (a torn tail is the only thing a crash can leave,
 *   and it was never acknowledged).
 * - Snapshots are written to a temp file, synced and renamed; the log is rotated to a new file
 *   *before* the snapshot is taken, so writes keep flowing while it is written, and old log files
 *   are deleted only after the snapshot that covers them is durable. Replay skips records whose
 *   sequence number the snapshot already covers, so a crash at any point is safe.
 */
import { closeSync, fdatasync, fsyncSync, fstatSync, openSync, write } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import path from 'node:path'
import { crc32 } from 'node:zlib'

export interface LogOp {
  /** collection */
  c: string
  /** document id; absent for a collection-level op */
  id?: string
  /** new document in relaxed EJSON; absent = deleted */
  d?: unknown
  /** collection created */
  create?: true
}

export interface LogRecord {
  s: number
  ops: LogOp[]
}

export interface SnapshotContent {
  seq: number
  collections: string[]
  docs: Iterable<{ c: string; d: unknown }>
}

export interface RecoveredState {
  seq: number
  collections: string[]
  docs: { c: string; d: unknown }[]
  records: LogRecord[]
}

const SNAPSHOT = 'snapshot.jsonl'
const walName = (startSeq: number) => `wal-${String(startSeq).padStart(16, '0')}.log`

function frame(json: string): string {
  return `${json.length} ${crc32(json).toString(16)} ${json}\n`
}

/** Parses framed lines; returns the records and the byte length of the valid prefix. */
function parseFramed(text: string): { records: string[]; validBytes: number } {
  const records: string[] = []
  let offset = 0
  let validBytes = 0
  while (offset < text.length) {
    const newline = text.indexOf('\n', offset)
    if (newline < 0) break
    const line = text.slice(offset, newline)
    const firstSpace = line.indexOf(' ')
    const secondSpace = line.indexOf(' ', firstSpace + 1)
    if (firstSpace < 0 || secondSpace < 0) break
    const length = Number(line.slice(0, firstSpace))
    const crc = line.slice(firstSpace + 1, secondSpace)
    const json = line.slice(secondSpace + 1)
    if (json.length !== length || crc32(json).toString(16) !== crc) break
    records.push(json)
    offset = newline + 1
    validBytes += Buffer.byteLength(line, 'utf8') + 1
  }
  return { records, validBytes }
}

const writeFd = (fd: number, buffer: Buffer) =>
  new Promise<number>((resolve, reject) =>
    write(fd, buffer, (err, written) => (err ? reject(err) : resolve(written))),
  )
const datasyncFd = promisify(fdatasync)

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export class DurableLog {
  private fd = -1
  private fileBytes = 0
  private queue: string[] = []
  private waiters: { resolve: () => void; reject: (err: Error) => void }[] = []
  private flushing: Promise<void> | null = null
  private failed: Error | null = null
  private snapshotting = false
  /** Highest sequence number handed to append(). */
  lastSeq = 0
  /** Highest sequence number known to be on disk. */
  durableSeq = 0
  private durableWaiters: { seq: number; resolve: () => void }[] = []

  private constructor(
    private readonly dir: string,
    private readonly compactAfterBytes: number,
  ) {}

  /** Opens (creating if needed) the data folder and returns the state to load. */
  static async open(
    dir: string,
    options: { compactAfterBytes?: number } = {},
  ): Promise<{ log: DurableLog; state: RecoveredState }> {
    await mkdir(dir, { recursive: true })
    const log = new DurableLog(dir, options.compactAfterBytes ?? 256 * 1024 * 1024)
    const state = await log.recover()
    log.lastSeq = state.seq
    log.durableSeq = state.seq
    await log.openWal(state.seq + 1)
    return { log, state }
  }

  private async recover(): Promise<RecoveredState> {
    const state: RecoveredState = { seq: 0, collections: [], docs: [], records: [] }
    let snapshotSeq = 0
    try {
      const text = await readFile(path.join(this.dir, SNAPSHOT), 'utf8')
      const { records } = parseFramed(text)
      const header = records[0]
        ? (JSON.parse(records[0]) as { seq: number; collections: string[]; docs: number })
        : null
      if (header && records.length === header.docs + 1) {
        snapshotSeq = header.seq
        state.seq = header.seq
        state.collections = header.collections
        for (const line of records.slice(1))
          state.docs.push(JSON.parse(line) as { c: string; d: unknown })
      } else if (header) {
        // Renamed into place only after a full sync, so this means outside damage: refuse to guess.
        throw new Error(
          `snapshot in ${this.dir} is incomplete (${records.length - 1}/${header.docs} docs)`,
        )
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const walFiles = (await readdir(this.dir)).filter((f) => /^wal-\d{16}\.log$/.test(f)).sort()
    for (const [index, name] of walFiles.entries()) {
      const full = path.join(this.dir, name)
      const buffer = await readFile(full)
      const { records, validBytes } = parseFramed(buffer.toString('utf8'))
      for (const json of records) {
        const record = JSON.parse(json) as LogRecord
        if (record.s <= snapshotSeq) continue
        state.records.push(record)
        state.seq = Math.max(state.seq, record.s)
      }
      if (validBytes < buffer.length) {
        if (index !== walFiles.length - 1) {
          throw new Error(`write-ahead log ${name} is corrupt before its end; refusing to start`)
        }
        // A torn tail from a crash mid-write: it was never acknowledged, drop it.
        const handle = await open(full, 'r+')
        await handle.truncate(validBytes)
        await handle.sync()
        await handle.close()
      }
    }
    return state
  }

  private async openWal(startSeq: number): Promise<void> {
    const existing = (await readdir(this.dir)).filter((f) => /^wal-\d{16}\.log$/.test(f)).sort()
    const name = existing.at(-1) ?? walName(startSeq)
    this.fd = openSync(path.join(this.dir, name), 'a')
    this.fileBytes = fstatSync(this.fd).size
    fsyncDir(this.dir)
  }

  /** Queues a change set; resolves once it is durable. Call synchronously after applying it. */
  append(ops: LogOp[]): Promise<void> {
    if (this.failed) return Promise.reject(this.failed)
    const seq = ++this.lastSeq
    this.queue.push(frame(JSON.stringify({ s: seq, ops } satisfies LogRecord)))
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }))
    if (!this.flushing) this.flushing = this.flushLoop()
    return done
  }

  /** Resolves once everything appended so far is durable (for replies that read fresh data). */
  waitDurable(seq = this.lastSeq): Promise<void> {
    if (seq <= this.durableSeq) return Promise.resolve()
    if (this.failed) return Promise.reject(this.failed)
    return new Promise((resolve) => this.durableWaiters.push({ seq, resolve }))
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const lines = this.queue
        const waiters = this.waiters
        const batchSeq = this.lastSeq
        this.queue = []
        this.waiters = []
        const chunk = Buffer.from(lines.join(''), 'utf8')
        let written = 0
        while (written < chunk.length) written += await writeFd(this.fd, chunk.subarray(written))
        await datasyncFd(this.fd)
        this.fileBytes += chunk.length
        this.durableSeq = batchSeq
        for (const waiter of waiters) waiter.resolve()
        this.releaseDurableWaiters()
      }
    } catch (err) {
      // The in-memory state is now ahead of the disk: nothing more may be acknowledged.
      this.failed = err as Error
      for (const waiter of this.waiters) waiter.reject(this.failed)
      this.waiters = []
      throw err
    } finally {
      this.flushing = null
    }
  }

  private releaseDurableWaiters(): void {
    if (this.durableWaiters.length === 0) return
    const still: typeof this.durableWaiters = []
    for (const waiter of this.durableWaiters) {
      if (waiter.seq <= this.durableSeq) waiter.resolve()
      else still.push(waiter)
    }
    this.durableWaiters = still
  }

  needsCompaction(): boolean {
    return !this.snapshotting && this.fileBytes > this.compactAfterBytes
  }

  /**
   * Starts a snapshot if the log is idle (nothing queued or being written); returns null if not.
   * `capture` runs synchronously right after the log is rotated to a new file, so the state it
   * returns is exactly the state after `lastSeq` and every later record lands in the new file.
   * Old log files are removed only once the snapshot covering them is durable.
   */
  beginSnapshot(capture: () => Omit<SnapshotContent, 'seq'>): Promise<void> | null {
    if (this.snapshotting || this.flushing || this.queue.length > 0 || this.failed) return null
    this.snapshotting = true
    const seq = this.lastSeq
    const newName = walName(seq + 1)
    const oldFd = this.fd
    this.fd = openSync(path.join(this.dir, newName), 'a')
    this.fileBytes = 0
    closeSync(oldFd)
    const content = capture()
    return this.writeSnapshot({ ...content, seq }, newName).finally(() => {
      this.snapshotting = false
    })
  }

  private async writeSnapshot(content: SnapshotContent, keepFrom: string): Promise<void> {
    const lines: string[] = []
    for (const doc of content.docs) lines.push(frame(JSON.stringify(doc)))
    const header = frame(
      JSON.stringify({ seq: content.seq, collections: content.collections, docs: lines.length }),
    )
    const tmp = path.join(this.dir, `${SNAPSHOT}.tmp`)
    const handle = await open(tmp, 'w')
    try {
      await handle.write(header)
      for (let i = 0; i < lines.length; i += 10_000)
        await handle.write(lines.slice(i, i + 10_000).join(''))
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path.join(this.dir, SNAPSHOT))
    fsyncDir(this.dir)
    for (const name of await readdir(this.dir)) {
      if (/^wal-\d{16}\.log$/.test(name) && name < keepFrom) await rm(path.join(this.dir, name))
    }
    fsyncDir(this.dir)
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined)
    closeSync(this.fd)
  }
}
