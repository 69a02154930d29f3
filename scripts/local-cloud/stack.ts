/**
 * The whole local stack on one loopback port (the contract in ../shared/README.md):
 *   POST /admin            the CloudBase gateway (what @cloudbase/node-sdk talks to)
 *   POST /fn/<name>        the function host
 *   GET  /health           {"ok":true}
 *   GET  /dev/personas     demo identities and code scenes (local only)
 *   *    /http/<path>       CloudBase HTTP access (cloudbaserc.json `httpAccess`), e.g. POST /http/pay/notify
 *   POST /sandbox/pay/<out_trade_no>, /sandbox/refund/<out_trade_no>, /sandbox/wxpay/v3/…
 *                          the WeChat Pay sandbox (pay-sandbox.ts)
 *   GET  /admin/…          the HQ console build;  GET /…  the H5 mini-program build
 */
import { mkdirSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import tcb from '@cloudbase/node-sdk'
import type { Database } from '../../shared/platform/runtime/cloudbase'
import { checkTriggers, readHttpAccess, readManifest } from '../build-functions'
import { randomBytes } from 'node:crypto'
import { COLLECTIONS } from '../../shared/collections'
import { ensureAdminAccount } from '../../shared/hq/admin-service'
import { listPersonas, seedDemoData } from '../seed/demo-data'
import { seedShopDemo } from '../seed/shop-demo'
import {
  isSdkRequest,
  openGatewayCore,
  readBody,
  sendJson,
  serveSdkRequest,
  type GatewayCore,
} from './gateway'
import { functionNotFound } from './gateway/api'
import { FunctionHost } from './function-host'
import {
  loadOrCreatePaySandboxKeys,
  PaySandbox,
  payEnvironment,
  type PaySandboxKeys,
  type PayVerificationMode,
} from './pay-sandbox'
import { loadOrCreateSecrets, type LocalSecrets } from './secrets'
import { serveStatic } from './static-files'
import { runTimers, type TimerSpec } from './timers'
import { WeChatSandbox } from './wechat-sandbox'

const root = path.resolve(__dirname, '..', '..')

/** The function that holds every scheduled job behind its one trigger (cloudfunctions/jobs). */
const JOBS_FUNCTION = 'jobs'

/** Timer triggers that once lived in user-facing functions, now jobs of `jobs`. */
const MOVED_TIMERS: Record<string, string> = {
  'shop/applyOrderEffects': 'applyOrderEffects',
  'shop/expireOrders': 'expireOrders',
  'shop/settleCommission': 'settleCommission',
  'points/expirePoints': 'expirePoints',
  'points/repairRedemptions': 'repairRedemptions',
  'points/expireMailRedemptions': 'expireMailRedemptions',
  'admin/stepJobs': 'stepJobs',
  'admin/rollupDailyStats': 'rollupDailyStats',
  'chat/remindUnread': 'remindUnread',
  'campaign/dispatch': 'dispatchCampaigns',
}

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
  /** Password of the console's `admin` account; generated (and returned) when absent. */
  adminPassword?: string
  /** Run cloudbaserc.json's timer triggers on their schedule (npm start); tests fire them by hand. */
  timers?: boolean
  /**
   * The `path` an HTTP-access event carries: the whole request path (`/pay/notify`, as
   * CloudBase's doc shows) or the part below the access path (`/`, as uniCloud's doc for the
   * same service shows). Functions must handle both; default `full` (HTTP_ACCESS_PATH=relative).
   */
  httpAccessPath?: 'full' | 'relative'
  /**
   * How the sandbox signs WeChat Pay notifications and the functions verify them: the WeChat Pay
   * public key (`PUB_KEY_ID_…`, the default, as for merchants since 2024) or platform certificates.
   */
  payVerification?: PayVerificationMode
  /** Delay before an API-created refund settles in the sandbox (default 50 ms); null holds it. */
  refundSettleMs?: number | null
}

export interface LocalStack {
  url: string
  serviceUrl: string
  dataDir: string
  secrets: LocalSecrets
  gateway: GatewayCore
  functions: FunctionHost
  /** The WeChat Pay sandbox and its keys (local only; tests sign their own notifications with them). */
  paySandbox: PaySandbox
  payKeys: PaySandboxKeys
  /** An SDK database client pointed at this stack, for seeding and tests. */
  db: Database
  /** Set when this start created or reset the console's `admin` account. */
  adminPassword: string | null
  /** Moves the functions' and the gateway's clock (local only; tests of timeouts). */
  setClockOffset(ms: number): void
  /**
   * Fires a timer trigger now, as CloudBase would, and returns the function's answer:
   * `fireTimer('jobs', 'everyMinute')` runs the jobs that are due; `fireTimer('jobs', <job>)`
   * runs that one job now (the trigger with the job's name as its message), as `runJob` does.
   */
  fireTimer(fn: string, trigger: string): Promise<unknown>
  /** `POST /dev/jobs/<job>`: runs one scheduled job now; answers its result. */
  runJob(job: string): Promise<unknown>
  close(): Promise<void>
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = path.resolve(options.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const secrets = loadOrCreateSecrets(dataDir)
  const payKeys = loadOrCreatePaySandboxKeys(dataDir)
  const payVerification =
    options.payVerification ??
    (process.env.PAY_VERIFICATION === 'certificate' ? 'certificate' : 'public-key')
  const httpAccess = readHttpAccess()
  const functionsDir = options.functionsDir ?? path.join(root, 'dist', 'cloudfunctions')
  const h5Dir = options.h5Dir ?? path.join(root, 'miniprogram', 'dist', 'h5')
  const consoleDir = options.consoleDir ?? path.join(root, 'console', 'dist')

  // Both need the port, known only once the server listens; routes read them after that.
  const late: { functions?: FunctionHost; db?: Database; paySandbox?: PaySandbox } = {}
  const wechatSandbox = new WeChatSandbox(dataDir)
  const storageDir = path.join(dataDir, 'files')
  const clockNow = options.now ?? (() => Date.now() + (Number(process.env.CLOCK_OFFSET_MS) || 0))
  // Read per request, so a test can try both shapes against one stack.
  const httpAccessPathStyle = () =>
    options.httpAccessPath ?? (process.env.HTTP_ACCESS_PATH === 'relative' ? 'relative' : 'full')
  const gateway = await openGatewayCore({
    dataDir,
    now: clockNow,
    invokeFunction: (name, data) => {
      if (!late.functions?.has(name)) throw functionNotFound(name)
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
        if (req.method !== 'POST')
          return sendJson(res, 405, {
            ok: false,
            error: { code: 'INVALID_INPUT', message: 'use POST' },
          })
        return late.functions!.serve(fn[1]!, req, res)
      }
      if (pathname.startsWith('/http/')) {
        // CloudBase HTTP access: the longest declared path that is this path or a prefix of it.
        const accessPath = pathname.slice('/http'.length)
        const route = httpAccess
          .filter((r) => accessPath === r.path || accessPath.startsWith(`${r.path}/`))
          .sort((a, b) => b.path.length - a.path.length)[0]
        if (route) {
          const eventPath =
            httpAccessPathStyle() === 'relative'
              ? accessPath.slice(route.path.length) || '/'
              : accessPath
          return late.functions!.serveHttpAccess(route.function, accessPath, req, res, eventPath)
        }
      }
      if (late.paySandbox?.handles(pathname)) return late.paySandbox.serve(req, res, pathname)
      if (pathname === '/dev/personas' && req.method === 'GET')
        return sendJson(res, 200, await listPersonas(late.db!, secrets.SCENE_SECRET))
      const timer = /^\/dev\/timer\/([a-z][a-z0-9-]*)\/([A-Za-z0-9_-]+)$/.exec(pathname)
      if (timer && req.method === 'POST')
        return sendJson(res, 200, await fireTimer(timer[1]!, timer[2]!))
      const job = /^\/dev\/jobs\/([A-Za-z0-9_-]+)$/.exec(pathname)
      if (job && req.method === 'POST') return sendJson(res, 200, await runJob(job[1]!))
      if (pathname === '/dev/clock') {
        if (req.method === 'POST') {
          const body = JSON.parse((await readBody(req, 1024)).toString('utf8') || '{}') as {
            offsetMs?: unknown
          }
          if (typeof body.offsetMs !== 'number' || !Number.isFinite(body.offsetMs)) {
            return sendJson(res, 400, {
              ok: false,
              error: {
                code: 'INVALID_INPUT',
                message: 'offsetMs must be a number',
                field: 'offsetMs',
              },
            })
          }
          process.env.CLOCK_OFFSET_MS = String(body.offsetMs)
        }
        return sendJson(res, 200, {
          offsetMs: Number(process.env.CLOCK_OFFSET_MS) || 0,
          now: new Date(clockNow()).toISOString(),
        })
      }
      if (pathname === '/sandbox/wechat/subscribe' && req.method === 'POST') {
        return sendJson(
          res,
          200,
          wechatSandbox.send(JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'))),
        )
      }
      if (pathname === '/sandbox/wechat/refuse' && req.method === 'POST') {
        const body = JSON.parse((await readBody(req, 1024)).toString('utf8')) as {
          openid?: string
          errcode?: number
        }
        if (typeof body.openid !== 'string')
          return sendJson(res, 400, {
            ok: false,
            error: { code: 'INVALID_INPUT', message: 'openid is required', field: 'openid' },
          })
        wechatSandbox.refuse(body.openid, Number(body.errcode ?? 43101))
        return sendJson(res, 200, { ok: true })
      }
      if (pathname === '/sandbox/messages' && req.method === 'GET') {
        const query = new URL(req.url ?? '/', 'http://local').searchParams
        return sendJson(res, 200, {
          messages: wechatSandbox.list({
            touser: query.get('touser'),
            templateId: query.get('templateId'),
          }),
        })
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (pathname.startsWith('/files/')) {
          if (
            serveStatic(storageDir, pathname.slice('/files'.length), req, res, { fallback: false })
          )
            return
        }
        if (pathname === '/admin' || pathname.startsWith('/admin/')) {
          if (serveStatic(consoleDir, pathname.slice('/admin'.length) || '/', req, res)) return
        } else if (serveStatic(h5Dir, pathname, req, res)) return
      }
      sendJson(res, 404, {
        ok: false,
        error: { code: 'NOT_FOUND', message: `nothing at ${req.method} ${pathname}` },
      })
    }
    route().catch((err) => {
      process.stderr.write(
        `[local-stack] ${req.method} ${pathname}: ${(err as Error).stack ?? err}\n`,
      )
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'internal error' } })
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

  const manifest = readManifest()
  // CloudBase refuses a function with more than one trigger on deploy: so does the local stack.
  for (const fn of manifest) checkTriggers(fn)
  const timeoutsMs = Object.fromEntries(manifest.map((fn) => [fn.name, fn.timeout * 1000]))
  const timerSpecs: TimerSpec[] = manifest.flatMap((fn) =>
    (fn.triggers ?? []).map((t) => ({ fn: fn.name, name: t.name, cron: t.config })),
  )
  const jobsTimer = timerSpecs.find((t) => t.fn === JOBS_FUNCTION)
  function invokeTimer(timer: TimerSpec, message?: string): Promise<unknown> {
    return late.functions!.invoke(
      timer.fn,
      {
        Type: 'Timer',
        TriggerName: timer.name,
        Time: new Date(clockNow()).toISOString(),
        ...(message ? { Message: message } : {}),
      },
      { source: 'timer' },
    )
  }
  async function runJob(name: string): Promise<unknown> {
    if (!jobsTimer)
      return {
        ok: false,
        error: { code: 'NOT_FOUND', message: `no timer on ${JOBS_FUNCTION} in cloudbaserc.json` },
      }
    return invokeTimer(jobsTimer, name)
  }
  async function fireTimer(fn: string, trigger: string): Promise<unknown> {
    const declared = timerSpecs.find((t) => t.fn === fn && t.name === trigger)
    if (declared) return invokeTimer(declared)
    // `/dev/timer/jobs/<job>`, and the timers that once lived in other functions
    // (`/dev/timer/shop/applyOrderEffects`, …): that one job, now.
    if (fn === JOBS_FUNCTION) return runJob(trigger)
    const moved = MOVED_TIMERS[`${fn}/${trigger}`]
    if (moved) return runJob(moved)
    return {
      ok: false,
      error: { code: 'NOT_FOUND', message: `no timer ${trigger} on ${fn} in cloudbaserc.json` },
    }
  }
  const appid = 'wx-local-app'
  const paySandbox = new PaySandbox({
    keys: payKeys,
    mode: payVerification,
    dataDir,
    stackUrl: url,
    now: clockNow,
    refundSettleMs: options.refundSettleMs,
  })
  const functions = new FunctionHost({
    functionsDir,
    serviceUrl,
    timeoutsMs,
    appid,
    // The WeChat edges are simulated locally: codes open this stack's H5 app; WeChat Pay is the
    // sandbox, reached by the production adapter through the same PAY_* variables as on CloudBase.
    env: {
      ...secrets,
      WECHAT_ADAPTER: 'simulator',
      H5_BASE_URL: url,
      STORAGE_DIR: storageDir,
      ...payEnvironment(payKeys, { appid, stackUrl: url, mode: payVerification }),
      PAY_PROBE_ENABLED: 'on',
    },
  })
  const db = tcb
    .init({ env: 'local', serviceUrl, secretId: 'local', secretKey: 'local' })
    .database()
  late.functions = functions
  late.db = db
  late.paySandbox = paySandbox
  if (options.seed) {
    await seedDemoData(db)
    await seedShopDemo(db)
  }
  const stopTimers = options.timers
    ? runTimers(timerSpecs, (t) => fireTimer(t.fn, t.name), clockNow)
    : () => undefined
  const adminPassword = await bootstrapAdmin(options.adminPassword)

  return {
    url,
    serviceUrl,
    dataDir,
    secrets,
    gateway,
    functions,
    paySandbox,
    payKeys,
    db,
    adminPassword,
    setClockOffset(ms: number) {
      process.env.CLOCK_OFFSET_MS = String(ms)
    },
    fireTimer,
    runJob,
    async close() {
      stopTimers()
      paySandbox.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await gateway.close()
    },
  }
}

/**
 * The console's `admin` account: ADMIN_PASSWORD (or the option) sets it on every start; with
 * neither, a first start generates one. Returns the password when this start set it.
 * Runs in the stack's process, whose SDK the function host already pointed at the gateway.
 */
async function bootstrapAdmin(password: string | undefined): Promise<string | null> {
  const wanted = password ?? process.env.ADMIN_PASSWORD
  if (wanted) {
    await ensureAdminAccount('admin', wanted)
    return wanted
  }
  const { database } = await import('../../shared/platform/runtime/cloudbase')
  const existing = (await database()
    .collection(COLLECTIONS.admins.name)
    .where({ username: 'admin' })
    .limit(1)
    .get()) as { data: unknown[] }
  if (existing.data.length > 0) return null
  const generated = randomBytes(9).toString('base64url')
  await ensureAdminAccount('admin', generated)
  return generated
}
