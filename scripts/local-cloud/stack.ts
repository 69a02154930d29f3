/**
 * The whole local stack on one loopback port (the contract in ../shared/README.md):
 *   POST /admin            the CloudBase gateway (what @cloudbase/node-sdk talks to)
 *   POST /fn/<name>        the function host
 *   GET  /health           {"ok":true}
 *   GET  /dev/personas     demo identities and code scenes (local only)
 *   GET  /admin/…          the HQ console build;  GET /…  the H5 mini-program build
 */
import { mkdirSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import tcb from '@cloudbase/node-sdk'
import type { Database } from '../../shared/runtime/cloudbase'
import { readManifest } from '../build-functions'
import { listPersonas, seedDemoData } from '../seed/demo-data'
import { isSdkRequest, openGatewayCore, sendJson, serveSdkRequest, type GatewayCore } from './gateway'
import { FunctionHost } from './function-host'
import { loadOrCreateSecrets, type LocalSecrets } from './secrets'
import { serveStatic } from './static-files'

const root = path.resolve(__dirname, '..', '..')

export interface LocalStackOptions {
  dataDir: string
  port?: number
  host?: string
  /** Seed demo data into an empty data folder. */
  seed?: boolean
  functionsDir?: string
  h5Dir?: string
  consoleDir?: string
  now?: () => number
}

export interface LocalStack {
  url: string
  serviceUrl: string
  dataDir: string
  secrets: LocalSecrets
  gateway: GatewayCore
  functions: FunctionHost
  /** An SDK database client pointed at this stack, for seeding and tests. */
  db: Database
  close(): Promise<void>
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = path.resolve(options.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const secrets = loadOrCreateSecrets(dataDir)
  const functionsDir = options.functionsDir ?? path.join(root, 'dist', 'cloudfunctions')
  const h5Dir = options.h5Dir ?? path.join(root, 'miniprogram', 'dist', 'h5')
  const consoleDir = options.consoleDir ?? path.join(root, 'console', 'dist')

  // Both need the port, known only once the server listens; routes read them after that.
  const late: { functions?: FunctionHost; db?: Database } = {}
  const gateway = await openGatewayCore({
    dataDir,
    now: options.now,
    invokeFunction: (name, data) => {
      if (!late.functions?.has(name)) throw new Error(`no cloud function named "${name}"`)
      return late.functions.invoke(name, data)
    },
  })

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/'
    const route = async () => {
      if (isSdkRequest(req)) return serveSdkRequest(gateway, req, res)
      if (req.method === 'OPTIONS') {
        // Loopback only; lets a Taro H5 dev server on another port call the functions.
        res.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, POST, OPTIONS',
          'access-control-allow-headers': 'content-type, authorization, x-openid, x-unionid',
        })
        return void res.end()
      }
      res.setHeader('access-control-allow-origin', '*')
      if (pathname === '/health') return sendJson(res, 200, { ok: true })
      const fn = /^\/fn\/([^/]+)$/.exec(pathname)
      if (fn) {
        if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'INVALID_INPUT', message: 'use POST' } })
        return late.functions!.serve(fn[1]!, req, res)
      }
      if (pathname === '/dev/personas' && req.method === 'GET') return sendJson(res, 200, await listPersonas(late.db!, secrets.SCENE_SECRET))
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (pathname === '/admin' || pathname.startsWith('/admin/')) {
          if (serveStatic(consoleDir, pathname.slice('/admin'.length) || '/', req, res)) return
        } else if (serveStatic(h5Dir, pathname, req, res)) return
      }
      sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: `nothing at ${req.method} ${pathname}` } })
    }
    route().catch((err) => {
      process.stderr.write(`[local-stack] ${req.method} ${pathname}: ${(err as Error).stack ?? err}\n`)
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } })
      else res.end()
    })
  })
  server.keepAliveTimeout = 65_000
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${host}:${port}`
  const serviceUrl = `${url}/admin`

  const timeoutsMs = Object.fromEntries(readManifest().map((fn) => [fn.name, fn.timeout * 1000]))
  const functions = new FunctionHost({ functionsDir, serviceUrl, timeoutsMs, env: { ...secrets } })
  const db = tcb.init({ env: 'local', serviceUrl, secretId: 'local', secretKey: 'local' }).database()
  late.functions = functions
  late.db = db
  if (options.seed) await seedDemoData(db)

  return {
    url,
    serviceUrl,
    dataDir,
    secrets,
    gateway,
    functions,
    db,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await gateway.close()
    },
  }
}
