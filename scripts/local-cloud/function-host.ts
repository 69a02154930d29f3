/**
 * The local function host: `POST /fn/<name>` runs the bundled `dist/cloudfunctions/<name>`'s
 * `main(event, context)` the way CloudBase does (and, from an extra folder, the local stack's
 * fixtures: `dist/local-fixtures/<name>`, scripts/local-cloud/fixtures).
 *
 * Identity travels in the invocation's `context.environment` (JSON with WX_OPENID, …), exactly
 * where CloudBase puts it for a mini-program call, and never in `process.env`: the host runs many
 * invocations concurrently in one process, and the SDK's `getCloudbaseContext(context)` reads the
 * context first. A request with `authorization: Bearer …` (the HQ console) becomes a CloudBase
 * HTTP-access event instead, as it is in production.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type http from 'node:http'
import path from 'node:path'
import { httpStatusOf } from '../../shared/platform/errors'
import { readBody, sendJson } from './gateway'

type Main = (event: unknown, context: unknown) => Promise<unknown>

export interface CallerHeaders {
  openid?: string | null
  unionid?: string | null
  clientIp?: string | null
  /**
   * What invoked the function, told in the context as CloudBase tells it: a mini-program
   * `callFunction` (`TCB_SOURCE=wx_client`), HTTP access, a timer trigger (`TRIGGER_SRC=timer`,
   * no identity) or another function (the default).
   */
  source?: 'client' | 'http' | 'timer'
}

export interface FunctionHostOptions {
  /** Folder of bundled functions (dist/cloudfunctions). */
  functionsDir: string
  /**
   * Folder of bundled local-stack fixtures (dist/local-fixtures), run the same way; looked up
   * after functionsDir, so a fixture never stands in for a deployable function.
   */
  fixturesDir?: string
  /** The gateway the functions' SDK talks to, e.g. http://127.0.0.1:8787/admin */
  serviceUrl: string
  appid?: string
  /** Per-function timeout in ms (from cloudbaserc.json); default 10 s. */
  timeoutsMs?: Record<string, number>
  /** Extra process environment for the functions (secrets the local stack generated). */
  env?: Record<string, string>
}

export interface InvocationResult {
  status: number
  body: unknown
  headers?: Record<string, string>
}

/**
 * CloudBase refuses a cloud function request whose text body is over 100 KB (EXCEED_MAX_PAYLOAD_SIZE:
 * "text type request body 100KB, other types 6MB", docs.cloudbase.net/error-code/EXCEED_MAX_PAYLOAD_SIZE),
 * and WeChat's `Cloud.callFunction` docs advise keeping data under about 100 KB. A mini-program
 * call's data is JSON text, so the host refuses more, before the function runs: large content
 * (chat images) goes to storage first and the call carries the file id.
 */
export const MAX_CALL_DATA_BYTES = 100 * 1024
/** The largest body `POST /fn/<name>` and HTTP access (`/http/…`) read (the console's calls, e.g. CSV imports); larger answers 413. */
export const FUNCTION_BODY_LIMIT = 1024 * 1024
const MAX_REQUEST_BYTES = FUNCTION_BODY_LIMIT

const FUNCTION_NAME = /^[a-z][a-z0-9-]{0,59}$/
const OPENID = /^[A-Za-z0-9_-]{1,64}$/

export class FunctionHost {
  private readonly loaded = new Map<string, Main>()
  readonly appid: string

  constructor(private readonly options: FunctionHostOptions) {
    this.appid = options.appid ?? 'wx-local-app'
    // Process-wide SDK configuration (not identity): where the database is, and local credentials.
    Object.assign(process.env, {
      TENCENTCLOUD: 'true',
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: options.serviceUrl }),
      TCB_ENV: 'local',
      TENCENTCLOUD_SECRETID: 'local',
      TENCENTCLOUD_SECRETKEY: 'local',
      SILENCE: 'true',
      ...options.env,
    })
  }

  /** The folder holding the bundle of `name` (deployable first, then fixtures), or null. */
  private dirOf(name: string): string | null {
    if (!FUNCTION_NAME.test(name)) return null
    for (const root of [this.options.functionsDir, this.options.fixturesDir]) {
      if (root === undefined) continue
      const dir = path.join(root, name)
      if (existsSync(path.join(dir, 'index.js'))) return dir
    }
    return null
  }

  has(name: string): boolean {
    return this.dirOf(name) !== null
  }

  private load(name: string): Main {
    let main = this.loaded.get(name)
    if (!main) {
      const dir = this.dirOf(name)
      if (!dir) throw new Error(`no cloud function named "${name}"`)
      // The WeChat IDE deploys from config.json, whose `triggers` "supports only one trigger":
      // a function declaring more would not deploy, so it does not load here either.
      const configPath = path.join(dir, 'config.json')
      if (existsSync(configPath)) {
        const config = JSON.parse(readFileSync(configPath, 'utf8')) as { triggers?: unknown[] }
        const count = Array.isArray(config.triggers) ? config.triggers.length : 0
        if (count > 1)
          throw new Error(
            `function ${name} declares ${count} triggers in config.json; CloudBase allows one per function`,
          )
      }
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(path.join(dir, 'index.js')) as { main?: Main }
      if (typeof mod.main !== 'function') throw new Error(`function ${name} exports no main()`)
      main = mod.main
      this.loaded.set(name, main)
    }
    return main
  }

  /** Runs one invocation; `event` is what the caller sent (mini-program) or an HTTP-access event. */
  async invoke(name: string, event: unknown, caller: CallerHeaders = {}): Promise<unknown> {
    const requestId = randomUUID()
    const environment: Record<string, string> = {
      WX_APPID: this.appid,
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_UNIONID,WX_APPID,WX_CLIENTIP',
      TCB_CONTEXT_KEYS: 'TCB_ENV,TCB_SEQID,TCB_SOURCE',
      TCB_ENV: 'local',
      TCB_SEQID: requestId,
    }
    if (caller.source === 'client' || caller.openid) environment.TCB_SOURCE = 'wx_client'
    else if (caller.source === 'http') environment.TCB_SOURCE = 'http'
    if (caller.source === 'timer') environment.TRIGGER_SRC = 'timer'
    if (caller.openid) environment.WX_OPENID = caller.openid
    if (caller.unionid) environment.WX_UNIONID = caller.unionid
    if (caller.clientIp) environment.WX_CLIENTIP = caller.clientIp
    const timeoutMs = this.options.timeoutsMs?.[name] ?? 10_000
    const context = {
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      namespace: 'local',
      memory_limit_in_mb: 256,
      time_limit_in_ms: timeoutMs,
      environment: JSON.stringify(environment),
    }
    const main = this.load(name)
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        main(event, context),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`function ${name} timed out after ${timeoutMs} ms`)),
            timeoutMs,
          )
        }),
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Maps a function's return value to an HTTP answer: HTTP-access responses pass through. */
  static toHttp(result: unknown): InvocationResult {
    if (result && typeof result === 'object' && 'statusCode' in result && 'body' in result) {
      const r = result as { statusCode: number; body: string; headers?: Record<string, string> }
      let body: unknown = r.body
      try {
        body = JSON.parse(r.body)
      } catch {
        /* not JSON: pass the text through */
      }
      return { status: r.statusCode, body, headers: r.headers }
    }
    const envelope = result as { ok?: boolean; error?: { code?: string } }
    if (envelope && envelope.ok === false)
      return { status: httpStatusOf(envelope.error?.code ?? 'INTERNAL'), body: envelope }
    return { status: 200, body: result }
  }

  /**
   * CloudBase HTTP access (`/http/<path>` locally): the function gets the request as an
   * HTTP-access event with the body exactly as sent and every header, and its
   * `{statusCode, headers, body}` goes back as it is, as on CloudBase.
   */
  async serveHttpAccess(
    name: string,
    accessPath: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    eventPath: string = accessPath,
  ): Promise<void> {
    if (!this.has(name)) {
      sendJson(res, 404, {
        code: 'FUNCTION_NOT_FOUND',
        message: `no cloud function named "${name}"`,
      })
      return
    }
    const raw = await readBody(req, FUNCTION_BODY_LIMIT)
    const type = String(req.headers['content-type'] ?? '')
    const text = type === '' || /json|text|xml|x-www-form-urlencoded/.test(type)
    const headers: Record<string, string> = {}
    for (const [key, value] of Object.entries(req.headers))
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value
    const query = new URL(req.url ?? '/', 'http://local').searchParams
    const event = {
      httpMethod: req.method ?? 'GET',
      path: eventPath,
      headers,
      queryStringParameters: Object.fromEntries(query),
      body: text ? raw.toString('utf8') : raw.toString('base64'),
      isBase64Encoded: !text,
    }
    let result: {
      statusCode?: unknown
      headers?: Record<string, string>
      body?: unknown
      isBase64Encoded?: boolean
    }
    try {
      result = (await this.invoke(name, event, {
        clientIp: req.socket.remoteAddress ?? null,
        source: 'http',
      })) as typeof result
    } catch (err) {
      process.stderr.write(
        `[function-host] ${name} ${accessPath}: ${(err as Error).stack ?? err}\n`,
      )
      sendJson(res, 500, { code: 'INTERNAL', message: (err as Error).message })
      return
    }
    if (!result || typeof result.statusCode !== 'number') {
      // A function that returns a plain value: CloudBase sends it as JSON with 200.
      sendJson(res, 200, result ?? null)
      return
    }
    const body =
      typeof result.body === 'string'
        ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8')
        : Buffer.alloc(0)
    if (result.statusCode === 204 || result.statusCode === 304) {
      res.writeHead(result.statusCode, result.headers)
      res.end()
      return
    }
    res.writeHead(result.statusCode, { ...result.headers, 'content-length': String(body.length) })
    res.end(body)
  }

  /** `POST /fn/<name>` */
  async serve(name: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!this.has(name)) {
      sendJson(res, 404, {
        ok: false,
        error: { code: 'FUNCTION_NOT_FOUND', message: `no cloud function named "${name}"` },
      })
      return
    }
    const authorization = req.headers.authorization
    // Over the request limit: readBody refuses without buffering and the stack answers 413.
    const body = await readBody(req, MAX_REQUEST_BYTES)
    if (!authorization && body.length > MAX_CALL_DATA_BYTES) {
      sendJson(res, 413, {
        ok: false,
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `调用数据超过 ${MAX_CALL_DATA_BYTES / 1024}KB 的上限（云函数请求体限制）：图片等大文件请先上传到云存储，再传文件 ID`,
          field: 'body',
        },
      })
      return
    }
    const raw = body.toString('utf8')
    const openidHeader = req.headers['x-openid']
    const openid = typeof openidHeader === 'string' && openidHeader !== '' ? openidHeader : null
    if (openid !== null && !OPENID.test(openid)) {
      sendJson(res, 400, {
        ok: false,
        error: {
          code: 'INVALID_INPUT',
          message: 'x-openid is not a valid openid',
          field: 'x-openid',
        },
      })
      return
    }
    let event: unknown
    if (authorization) {
      event = {
        httpMethod: 'POST',
        path: `/fn/${name}`,
        headers: { authorization, 'content-type': 'application/json' },
        body: raw,
        isBase64Encoded: false,
      }
    } else {
      try {
        event = raw.trim() === '' ? {} : JSON.parse(raw)
      } catch {
        sendJson(res, 400, {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: 'request body is not valid JSON',
            field: 'body',
          },
        })
        return
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) {
        sendJson(res, 400, {
          ok: false,
          error: {
            code: 'INVALID_INPUT',
            message: 'request body must be a JSON object',
            field: 'body',
          },
        })
        return
      }
    }
    let answer: InvocationResult
    try {
      const unionid = req.headers['x-unionid']
      answer = FunctionHost.toHttp(
        await this.invoke(name, event, {
          // HTTP access carries no WeChat identity, whatever headers came with it.
          openid: authorization ? null : openid,
          unionid: !authorization && typeof unionid === 'string' ? unionid : null,
          clientIp: req.socket.remoteAddress ?? null,
          // The console's bearer calls are HTTP access; everything else stands for callFunction.
          source: authorization ? 'http' : 'client',
        }),
      )
    } catch (err) {
      process.stderr.write(`[function-host] ${name}: ${(err as Error).stack ?? err}\n`)
      answer = {
        status: 500,
        body: { ok: false, error: { code: 'INTERNAL', message: (err as Error).message } },
      }
    }
    sendJson(res, answer.status, answer.body)
  }
}
