/**
 * The local CloudBase-compatible gateway: answers `@cloudbase/node-sdk` on POST /admin.
 * `startGateway` runs it alone (conformance tests, benchmarks); the local stack mounts the same
 * handler beside the function host (scripts/local-cloud/stack.ts).
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { ALL_COLLECTIONS, type CollectionSpec } from '../../../shared/collections'
import { createApi, type InvokeFunction } from './api'
import { DurableLog } from './durable-log'
import { Engine } from './engine'

export interface GatewayOptions {
  dataDir: string
  port?: number
  host?: string
  /** The gateway's clock, used for `db.serverDate()`. */
  now?: () => number
  /** Created at start when missing; defaults to every collection declared in shared/. */
  collections?: readonly CollectionSpec[]
  invokeFunction?: InvokeFunction
}

export interface GatewayCore {
  engine: Engine
  handle: (body: unknown) => Promise<Record<string, unknown>>
  close(): Promise<void>
}

export interface RunningGateway {
  url: string
  serviceUrl: string
  core: GatewayCore
  close(): Promise<void>
}

/** Opens the data folder, replays it, and returns the request handler. */
export async function openGatewayCore(
  options: Omit<GatewayOptions, 'port' | 'host'>,
): Promise<GatewayCore> {
  const collections = options.collections ?? ALL_COLLECTIONS
  const { log, state } = await DurableLog.open(options.dataDir)
  const engine = new Engine(log, collections, state, options.now ?? Date.now)
  await engine.ensureCollections(collections)
  // Fold the replayed log into a snapshot so the next start reads one file.
  if (state.records.length > 0) await log.beginSnapshot(() => engine.captureState())
  const handle = createApi(engine, {
    now: options.now ?? Date.now,
    invokeFunction: options.invokeFunction,
  })
  return {
    engine,
    handle,
    async close() {
      engine.close()
      await log.close()
    },
  }
}

const MAX_BODY_BYTES = 64 * 1024 * 1024

export function readBody(req: http.IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new Error('request body too large'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  })
  res.end(body)
}

/** Serves one SDK call (any POST whose path ends in /admin). */
export async function serveSdkRequest(
  core: GatewayCore,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  let body: unknown
  try {
    body = JSON.parse((await readBody(req)).toString('utf8'))
  } catch (err) {
    sendJson(res, 200, {
      code: 'INVALID_PARAM',
      message: `invalid JSON body: ${(err as Error).message}`,
    })
    return
  }
  sendJson(res, 200, await core.handle(body))
}

export function isSdkRequest(req: http.IncomingMessage): boolean {
  if (req.method !== 'POST') return false
  const pathname = (req.url ?? '/').split('?')[0] ?? '/'
  return pathname === '/admin' || pathname === '/tcb/admin'
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const core = await openGatewayCore(options)
  const server = http.createServer((req, res) => {
    if (isSdkRequest(req)) {
      void serveSdkRequest(core, req, res)
    } else if (req.method === 'GET' && req.url === '/health') {
      sendJson(res, 200, { ok: true })
    } else {
      sendJson(res, 404, { code: 'NOT_FOUND', message: 'not found' })
    }
  })
  server.keepAliveTimeout = 65_000
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve))
  const { port } = server.address() as AddressInfo
  const url = `http://${host}:${port}`
  return {
    url,
    serviceUrl: `${url}/admin`,
    core,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await core.close()
    },
  }
}
