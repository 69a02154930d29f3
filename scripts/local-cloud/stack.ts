/**
 * The whole local stack on one loopback port (the contract in ../shared/README.md):
 *   POST /admin            the CloudBase gateway (what @cloudbase/node-sdk talks to)
 *   POST /fn/<name>        the function host
 *   GET  /health           {"ok":true}
 *   GET  /dev/personas     demo identities and code scenes (local only)
 *   *    /http/<path>       CloudBase HTTP access (cloudbaserc.json `httpAccess`), e.g. POST /http/pay/notify
 *                          (and the fixtures' own, e.g. POST /http/payprobe/notify)
 *   POST /sandbox/pay/<out_trade_no>, /sandbox/refund/<out_trade_no>, /sandbox/wxpay/v3/…
 *                          the WeChat Pay sandbox (pay-sandbox.ts)
 *   POST /sandbox/wechat/cgi-bin/…, /sandbox/wechat/wxa/…, GET /sandbox/messages
 *                          WeChat's open API sandbox (wechat-sandbox.ts)
 *   POST /files/<cloudPath> a client upload to storage (storage-upload.ts); GET /files/… serves it
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
import { ALL_COLLECTIONS, COLLECTIONS } from '../../shared/collections'
import { ensureAdminAccount } from '../../shared/hq/admin-service'
import { listPersonas, seedDemoData } from '../seed/demo-data'
import { seedShopDemo } from '../seed/shop-demo'
import {
  declaredTooLarge,
  isSdkRequest,
  MAX_SDK_BODY_BYTES,
  openGatewayCore,
  PayloadTooLargeError,
  readBody,
  sendJson,
  sendPayloadTooLarge,
  serveSdkRequest,
  type GatewayCore,
} from './gateway'
import { functionNotFound } from './gateway/api'
import {
  checkFixtures,
  fixtureCollections,
  fixtureHttpAccess,
  FIXTURES_OUT_DIR,
  LOCAL_FIXTURES,
} from './fixtures'
import { FUNCTION_BODY_LIMIT, FunctionHost } from './function-host'
import {
  loadOrCreatePaySandboxKeys,
  PaySandbox,
  payEnvironment,
  type PaySandboxKeys,
  type PayVerificationMode,
} from './pay-sandbox'
import { loadOrCreateSecrets, type LocalSecrets } from './secrets'
import { serveStatic } from './static-files'
import { MAX_UPLOAD_BYTES, serveUpload } from './storage-upload'
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

/** The largest body the sandboxes and /dev routes read (their bodies are a few fields). */
const SMALL_BODY_LIMIT = 64 * 1024

/**
 * The body limit of each entry. A request declaring more is answered 413 before a byte of its body
 * is read; a chunked one is cut off by `readBody` at the same limit.
 */
export function bodyLimitFor(req: http.IncomingMessage, pathname: string): number {
  if (isSdkRequest(req)) return MAX_SDK_BODY_BYTES
  if (pathname.startsWith('/fn/') || pathname.startsWith('/http/')) return FUNCTION_BODY_LIMIT
  // Client uploads (chat images) go to storage, not through a function call.
  if (pathname.startsWith('/files/') && req.method === 'POST') return MAX_UPLOAD_BYTES
  return SMALL_BODY_LIMIT
}

export interface LocalStackOptions {
  dataDir: string
  port?: number
  host?: string
  /** Seed demo data into an empty data folder. */
  seed?: boolean
  functionsDir?: string
  /** Bundled local-stack fixtures (scripts/local-cloud/fixtures), default dist/local-fixtures. */
  fixturesDir?: string
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
  /**
   * Function timeouts in ms instead of cloudbaserc.json's, by function name: tests that stall an
   * invocation on purpose (crash injection) and must hear its own answer when it goes on.
   */
  functionTimeoutsMs?: Record<string, number>
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
  /** WeChat's open API sandbox (local only): outbox, refusals, phone codes, token controls. */
  wechat: WeChatSandbox
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
  const manifest = readManifest()
  const deployedAccess = readHttpAccess()
  // The fixtures (never deployed) come with their own HTTP access and collections, which only
  // this stack serves and creates; none may shadow what cloudbaserc.json or shared/ declares.
  checkFixtures(manifest, deployedAccess, ALL_COLLECTIONS)
  const httpAccess = [...deployedAccess, ...fixtureHttpAccess()]
  const functionsDir = options.functionsDir ?? path.join(root, 'dist', 'cloudfunctions')
  const fixturesDir = options.fixturesDir ?? FIXTURES_OUT_DIR
  const h5Dir = options.h5Dir ?? path.join(root, 'miniprogram', 'dist', 'h5')
  const consoleDir = options.consoleDir ?? path.join(root, 'console', 'dist')

  // Both need the port, known only once the server listens; routes read them after that.
  const late: { functions?: FunctionHost; db?: Database; paySandbox?: PaySandbox } = {}
  const appid = 'wx-local-app'
  // What the mini-program's WeChat console would hold: its subscribe templates and their keys.
  const templateIds = {
    WECHAT_TEMPLATE_CAMPAIGN: 'local-campaign',
    WECHAT_TEMPLATE_NEW_MESSAGE: 'local-newMessage',
    WECHAT_TEMPLATE_ORDER_READY: 'local-orderReady',
  }
  let stackUrl = ''
  const wechatSandbox = new WeChatSandbox({
    dataDir,
    appid,
    secret: secrets.WECHAT_SECRET,
    templates: {
      [templateIds.WECHAT_TEMPLATE_CAMPAIGN]: ['thing1', 'time2', 'thing3'],
      [templateIds.WECHAT_TEMPLATE_NEW_MESSAGE]: ['thing1', 'thing2', 'time3'],
      [templateIds.WECHAT_TEMPLATE_ORDER_READY]: ['character_string1', 'thing2', 'thing3'],
    },
    h5BaseUrl: () => stackUrl,
  })
  const storageDir = path.join(dataDir, 'files')
  const clockNow = options.now ?? (() => Date.now() + (Number(process.env.CLOCK_OFFSET_MS) || 0))
  // Read per request, so a test can try both shapes against one stack.
  const httpAccessPathStyle = () =>
    options.httpAccessPath ?? (process.env.HTTP_ACCESS_PATH === 'relative' ? 'relative' : 'full')
  const gateway = await openGatewayCore({
    dataDir,
    now: clockNow,
    collections: [...ALL_COLLECTIONS, ...fixtureCollections()],
    invokeFunction: (name, data) => {
      if (!late.functions?.has(name)) throw functionNotFound(name)
      return late.functions.invoke(name, data)
    },
  })

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/'
    const limit = bodyLimitFor(req, pathname)
    const route = async () => {
      if (declaredTooLarge(req, limit))
        return sendPayloadTooLarge(req, res, limit, isSdkRequest(req))
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
      // Routes that take no body still read (and drop) one within the limit: a streamed 8 MB
      // body is refused there too, never left to the server to swallow after the answer.
      const noBody = () => readBody(req, limit)
      if (pathname === '/health') {
        await noBody()
        return sendJson(res, 200, { ok: true })
      }
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
      const readsOwnBody =
        pathname === '/dev/clock' ||
        pathname.startsWith('/sandbox/wechat/') ||
        (pathname.startsWith('/files/') && req.method === 'POST')
      if (!readsOwnBody) await noBody()
      if (pathname === '/dev/personas' && req.method === 'GET')
        return sendJson(res, 200, await listPersonas(late.db!, secrets.SCENE_SECRET))
      const timer = /^\/dev\/timer\/([a-z][a-z0-9-]*)\/([A-Za-z0-9_-]+)$/.exec(pathname)
      if (timer && req.method === 'POST')
        return sendJson(res, 200, await fireTimer(timer[1]!, timer[2]!))
      const job = /^\/dev\/jobs\/([A-Za-z0-9_-]+)$/.exec(pathname)
      if (job && req.method === 'POST') return sendJson(res, 200, await runJob(job[1]!))
      if (pathname === '/dev/clock') {
        if (req.method === 'POST') {
          const body = JSON.parse(
            (await readBody(req, SMALL_BODY_LIMIT)).toString('utf8') || '{}',
          ) as {
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
      if (wechatSandbox.handles(pathname)) return wechatSandbox.serve(req, res, pathname)
      if (pathname.startsWith('/files/') && req.method === 'POST')
        return serveUpload(storageDir, req, res, pathname)
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
      if (err instanceof PayloadTooLargeError)
        return sendPayloadTooLarge(req, res, err.limit, isSdkRequest(req))
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
  stackUrl = url
  const serviceUrl = `${url}/admin`

  // CloudBase refuses a function with more than one trigger on deploy: so does the local stack.
  for (const fn of manifest) checkTriggers(fn)
  const timeoutsMs = {
    ...Object.fromEntries(
      [...manifest, ...LOCAL_FIXTURES].map((fn) => [fn.name, fn.timeout * 1000]),
    ),
    ...options.functionTimeoutsMs,
  }
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
    fixturesDir,
    serviceUrl,
    timeoutsMs,
    appid,
    // WeChat's open API and WeChat Pay are sandboxes on this stack, reached by the production
    // adapters through the same variables as on CloudBase (WECHAT_*, PAY_*), with local values.
    env: {
      ...secrets,
      WECHAT_APPID: appid,
      WECHAT_API_BASE: WeChatSandbox.apiBase(url),
      ...templateIds,
      // Local stack only: `bind {phone}` may carry a typed number (H5 and outside checks), as the
      // contract in shared/README.md keeps; a phoneCode still goes through WeChat's API.
      LOCAL_TYPED_PHONE: 'on',
      H5_BASE_URL: url,
      STORAGE_DIR: storageDir,
      ...payEnvironment(payKeys, { appid, stackUrl: url, mode: payVerification }),
      ...Object.assign({}, ...LOCAL_FIXTURES.map((fixture) => fixture.env(url))),
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
    wechat: wechatSandbox,
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
