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
import { refuseUndeployableIndexes } from './indexes'

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
  // Refused before the data folder is opened, so a refusal leaves nothing open.
  for (const spec of collections) refuseUndeployableIndexes(spec)
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

/**
 * The largest SDK request the gateway reads. The SDK sends one call per request (a batch insert
 * of at most a few thousand documents); CloudBase's own gateway refuses far smaller bodies than
 * the 8 MB an attacker may send, and so does this one, before buffering them.
 */
export const MAX_SDK_BODY_BYTES = 4 * 1024 * 1024

/** A request body over its entry's limit; the stack answers it with 413 (`sendPayloadTooLarge`). */
export class PayloadTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`)
    this.name = 'PayloadTooLargeError'
  }
}

/** `1 MB`, `64 KB`: the limit as the 413 message names it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`
  return `${bytes} 字节`
}

/** Whether the declared `content-length` is already over the limit (nothing needs reading). */
export function declaredTooLarge(req: http.IncomingMessage, limit: number): boolean {
  const declared = Number(req.headers['content-length'])
  return Number.isFinite(declared) && declared > limit
}

/**
 * Reads a request body of at most `limit` bytes. A body declared larger is refused before a byte
 * is read; a chunked one is refused as soon as it passes the limit, and what was read is dropped.
 * Either way it rejects with PayloadTooLargeError and leaves the connection open, so the caller
 * can answer 413 (`sendPayloadTooLarge`) instead of resetting it.
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (declaredTooLarge(req, limit)) return reject(new PayloadTooLargeError(limit))
    let chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        chunks = []
        req.off('data', onData)
        req.off('end', onEnd)
        req.pause()
        reject(new PayloadTooLargeError(limit))
      } else chunks.push(chunk)
    }
    const onEnd = () => resolve(Buffer.concat(chunks))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', reject)
  })
}

/** How long and how much of a refused body is discarded after the 413, so the client reads it. */
const DRAIN_MS = 5_000
const DRAIN_BYTES = 64 * 1024 * 1024

/**
 * Answers 413 with the envelope naming the limit, then closes the connection. The client may
 * still be sending: the rest is discarded unread (never buffered) for a moment so the client gets
 * the answer instead of a TCP reset, and the socket is destroyed if it keeps going.
 * `sdkShape` adds the top-level `{code, message}` the SDK throws, for the gateway's callers.
 */
export function sendPayloadTooLarge(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  limit: number,
  sdkShape = false,
): void {
  const error = {
    code: 'PAYLOAD_TOO_LARGE',
    message: `请求体超过 ${formatBytes(limit)} 的上限`,
    limitBytes: limit,
  }
  if (!res.headersSent) {
    const body = JSON.stringify(
      sdkShape
        ? { ok: false, error, code: error.code, message: error.message }
        : { ok: false, error },
    )
    res.writeHead(413, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    })
    res.end(body)
  }
  if (req.complete) return
  let drained = 0
  const stop = () => {
    clearTimeout(timer)
    req.destroy()
  }
  const timer = setTimeout(stop, DRAIN_MS)
  timer.unref()
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length
    if (drained > DRAIN_BYTES) stop()
  })
  req.on('end', () => clearTimeout(timer))
  req.on('error', () => clearTimeout(timer))
  req.resume()
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
    body = JSON.parse((await readBody(req, MAX_SDK_BODY_BYTES)).toString('utf8'))
  } catch (err) {
    if (err instanceof PayloadTooLargeError) return sendPayloadTooLarge(req, res, err.limit, true)
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
