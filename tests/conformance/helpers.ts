/**
 * Shared set-up for the conformance suite: start the local gateway on a free port with a fresh
 * data directory, and point the real `@cloudbase/node-sdk` at it.
 *
 * The suite talks to the gateway ONLY through the SDK (never through gateway internals), so every
 * assertion is about what a CloudBase client can observe.
 */
// Skip the SDK's cloud metadata probe (it would try to reach 169.254.0.23); read at request time.
process.env.TENCENTCLOUD = 'true'
// Silence the SDK's "request longer than 3s" warnings during the stress tests.
process.env.SILENCE = 'true'

import fs from 'fs'
import os from 'os'
import path from 'path'
import tcb from '@cloudbase/node-sdk'
import type { CollectionSpec } from '../../shared/collections'

/** The gateway's public contract (scripts/local-cloud/gateway/index.ts). */
export interface GatewayOptions {
  dataDir: string
  port?: number
  host?: string
  now?: () => number
  collections?: readonly CollectionSpec[]
}
export interface RunningGateway {
  url: string
  serviceUrl: string
  close(): Promise<void>
}
interface GatewayModule {
  startGateway(opts: GatewayOptions): Promise<RunningGateway>
}

// The SDK implements DocumentReference.create (document.js) but its .d.ts omits it.
declare module '@cloudbase/database/dist/commonjs/document' {
  interface DocumentReference {
    create(
      data: object,
    ): Promise<{ id?: string; inserted?: number; ok?: number; requestId?: string }>
  }
}

export const REPO_ROOT = path.resolve(__dirname, '../..')
export const GATEWAY_MODULE = path.join(REPO_ROOT, 'scripts/local-cloud/gateway/index.ts')
export const GATEWAY_CLI = path.join(REPO_ROOT, 'scripts/local-cloud/gateway/cli.ts')

export function loadGateway(): GatewayModule {
  // Loaded by path at run time so this suite typechecks independently of the implementation.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(GATEWAY_MODULE) as GatewayModule
}

export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gw-'))
}

/** The SDK's database handle. Its typings are loose (`any` for transactions, serverDate, ...). */
export type Db = ReturnType<ReturnType<typeof tcb.init>['database']>

export function connect(serviceUrl: string): Db {
  const app = tcb.init({ env: 'local-test', serviceUrl, secretId: 'local', secretKey: 'local' })
  return app.database()
}

export interface Harness {
  gw: RunningGateway
  db: Db
  dataDir: string
  /** Create a collection with a name unique within this gateway, return the name. */
  fresh(base: string): Promise<string>
  close(): Promise<void>
}

let seq = 0

/** Start a gateway (port 0, fresh temp data dir unless given) and an SDK bound to it. */
export async function startHarness(opts: Partial<GatewayOptions> = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? makeDataDir()
  const gw = await loadGateway().startGateway({ port: 0, host: '127.0.0.1', ...opts, dataDir })
  const db = connect(gw.serviceUrl)
  return {
    gw,
    db,
    dataDir,
    async fresh(base: string) {
      const name = `${base}_${++seq}`
      await db.createCollection(name)
      return name
    },
    async close() {
      await gw.close()
    },
  }
}

export function removeDir(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true })
  } catch {
    /* best effort */
  }
}

export interface SdkError {
  code?: string | number
  message?: string
}

/** Await a promise that must reject; return the error (the SDK throws a TcbError with `code`). */
export async function rejectionOf(p: Promise<unknown>): Promise<SdkError> {
  let value: unknown
  try {
    value = await p
  } catch (e) {
    return e as SdkError
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
}

/** The single document with this id, or undefined (doc(id).get() outside a transaction is `{data: [doc]}`). */
export async function readDoc(
  db: Db,
  coll: string,
  id: string,
): Promise<Record<string, any> | undefined> {
  const res = await db.collection(coll).doc(id).get()
  const data = (res as { data: Record<string, any>[] }).data
  expect(Array.isArray(data)).toBe(true)
  return data[0]
}

/** All documents of a collection, sorted by _id, paging through the 1000 cap. */
export async function readAll(db: Db, coll: string): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = []
  for (let page = 0; page < 1000; page++) {
    const res = await db
      .collection(coll)
      .where({})
      .orderBy('_id', 'asc')
      .skip(page * 1000)
      .limit(1000)
      .get()
    out.push(...res.data)
    if (res.data.length < 1000) break
  }
  return out
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
