/**
 * Every cloud function is `defineFunction(...)`: it reads like a table of contents.
 * 1. normalise the event (mini-program call, CloudBase HTTP access, or timer trigger),
 * 2. validate `action` and its input with the contract's zod schema (INVALID_INPUT names the field),
 * 3. resolve the caller from the invocation context on the server (never from the body),
 * 4. call the action's handler (one service call),
 * 5. answer with the `{ok,data}` / `{ok:false,error}` envelope, and
 * 6. write one structured log line (function, action, request id, role, outcome, duration,
 *    database round trips), the same on CloudBase and in the local stack.
 */
import { randomUUID } from 'node:crypto'
import type { Caller, InvocationContext } from './context'
import { z } from 'zod'
import type { Envelope } from '../contract/envelope'
import { describeInputIssue } from '../contract/input-errors'
import { findForbiddenKey } from '../contract/forbidden-keys'
import { AppError, httpStatusOf, type ApiError } from '../errors'
import { systemClock, type Clock } from '../ports/clock'
import {
  checkSource,
  GUARDED,
  policyOf,
  type Access,
  type AccessGuard,
  type ActionPolicy,
} from './policy'
import { cloudbaseContext, invocationScope, wechatContext, type InvocationScope } from './cloudbase'

export type { Caller, CallerSource, InvocationContext } from './context'

type Handlers<In extends Record<string, z.ZodType>, Out extends Record<keyof In, z.ZodType>> = {
  [K in keyof In]: (ctx: InvocationContext, input: z.output<In[K]>) => Promise<z.input<Out[K]>>
}

/** An HTTP-access request handed to a raw route as it arrived (signatures cover the exact body). */
export interface HttpRequest {
  method: string
  path: string
  /** Header names in lower case. */
  headers: Record<string, string>
  rawBody: string
}

export interface HttpReply {
  statusCode: number
  headers?: Record<string, string>
  body?: string
}

/**
 * A route that answers HTTP itself instead of the `{action,…}` envelope: for callers with their
 * own protocol, such as WeChat Pay's notifications. Keyed by the HTTP access path
 * (cloudbaserc.json `httpAccess`). A thrown AppError becomes `{code, message}` with its status.
 */
export interface HttpRoute {
  /** The name in the log line. */
  action: string
  /** The caller's role in the log line (e.g. `wechatpay`). */
  role: string
  handle(ctx: InvocationContext, request: HttpRequest): Promise<HttpReply>
}

export interface FunctionSpec<
  In extends Record<string, z.ZodType>,
  Out extends Record<keyof In, z.ZodType>,
> {
  name: string
  input: In
  output: Out
  handlers: Handlers<In, Out>
  /** Who may call each action (policy.ts); checked before the handler runs. */
  policy: { [K in keyof In]: Access | ActionPolicy<z.output<In[K]>> }
  /** Resolves members, clerks, managers and HQ sessions, and audits HQ actions (shared/flows/access.ts). */
  guard?: AccessGuard
  /**
   * The raw route every HTTP-access event reaching this function goes to (e.g. WeChat Pay's
   * notifications). It is chosen by the function the access path reaches, never by the path
   * string: CloudBase may hand the function the path whole (`/pay/notify`) or relative to the
   * access path (`/`).
   */
  http?: HttpRoute
  clock?: Clock
}

/** CloudBase HTTP access hands the function a request description instead of the body. */
interface HttpAccessEvent {
  httpMethod: string
  path?: string
  headers?: Record<string, string | undefined>
  body?: string
  isBase64Encoded?: boolean
}

interface TimerEvent {
  Type: 'Timer'
  TriggerName: string
  Time?: string
  /** The trigger's additional message (SCF's 附加信息); the local stack names a job with it. */
  Message?: string
}

export interface HttpAccessResponse {
  statusCode: number
  headers: Record<string, string>
  body: string
  isBase64Encoded: false
}

function isHttpAccessEvent(event: unknown): event is HttpAccessEvent {
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof (event as HttpAccessEvent).httpMethod === 'string'
  )
}

function isTimerShaped(event: unknown): event is TimerEvent {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as TimerEvent).Type === 'Timer' &&
    typeof (event as TimerEvent).TriggerName === 'string'
  )
}

/**
 * What the invocation context (never the event) says about who invoked the function. A
 * mini-program `callFunction` always carries the caller's identity (`WX_OPENID`, or a CloudBase
 * web user's `TCB_UUID`); a timer trigger carries none and runs with `TRIGGER_SRC=timer`. The
 * event's data is the caller's to choose, so it can claim anything: only the context decides.
 */
export function invocationKind(context: unknown): 'client' | 'timer' | 'other' {
  const ctx = cloudbaseContext(context)
  const has = (key: string) => typeof ctx[key] === 'string' && ctx[key] !== ''
  if (['WX_OPENID', 'WX_UNIONID', 'TCB_UUID', 'TCB_CUSTOM_USER_ID'].some(has)) return 'client'
  if (typeof ctx.TCB_SOURCE === 'string' && /client/i.test(ctx.TCB_SOURCE)) return 'client'
  return ctx.TRIGGER_SRC === 'timer' ? 'timer' : 'other'
}

function header(headers: HttpAccessEvent['headers'], name: string): string | null {
  if (!headers) return null
  for (const [key, value] of Object.entries(headers))
    if (key.toLowerCase() === name && value) return value
  return null
}

interface Normalised {
  params: unknown
  caller: Caller
}

function normaliseEvent(event: unknown, context: unknown): Normalised {
  const kind = invocationKind(context)
  // Data shaped like a timer or HTTP-access event from a caller is a forgery, refused as such.
  if (kind !== 'timer' && isTimerShaped(event))
    throw new AppError('FORBIDDEN', 'only the timer trigger sends timer events')
  if (kind === 'client' && isHttpAccessEvent(event))
    throw new AppError('FORBIDDEN', 'only CloudBase HTTP access sends HTTP-access events')
  if (kind !== 'client' && isHttpAccessEvent(event)) {
    const raw = event.body
      ? event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body
      : '{}'
    let params: unknown
    try {
      params = JSON.parse(raw)
    } catch {
      throw new AppError('INVALID_INPUT', '请求内容不是有效的 JSON', 'body')
    }
    const authorization = header(event.headers, 'authorization')
    const bearerToken = authorization?.startsWith('Bearer ')
      ? authorization.slice(7).trim() || null
      : null
    return {
      params,
      caller: {
        source: 'http',
        openid: null,
        unionid: null,
        appid: null,
        bearerToken,
        role: 'anonymous',
      },
    }
  }
  if (kind === 'timer' && isTimerShaped(event)) {
    return {
      params: {
        action: event.TriggerName,
        ...(typeof event.Message === 'string' && event.Message !== ''
          ? { message: event.Message }
          : {}),
      },
      caller: {
        source: 'timer',
        openid: null,
        unionid: null,
        appid: null,
        bearerToken: null,
        role: 'system',
      },
    }
  }
  const identity = wechatContext(context)
  // wx-server-sdk callers may carry `userInfo` in the event; identity comes from the context only.
  const params =
    typeof event === 'object' && event !== null
      ? Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'userInfo'))
      : event
  return {
    params,
    caller: {
      source: 'wechat',
      ...identity,
      bearerToken: null,
      role: identity.openid ? 'wechat-user' : 'anonymous',
    },
  }
}

function invalidInput(error: z.ZodError, schema?: z.ZodType): AppError {
  const { message, field } = describeInputIssue(error, schema)
  return new AppError('INVALID_INPUT', message, field)
}

function requestIdOf(context: unknown): string {
  const id = (context as { request_id?: unknown } | null)?.request_id
  return typeof id === 'string' && id !== '' ? id : randomUUID()
}

export function defineFunction<
  In extends Record<string, z.ZodType>,
  Out extends Record<keyof In, z.ZodType>,
>(spec: FunctionSpec<In, Out>) {
  const actionNames = Object.keys(spec.input)
  for (const name of actionNames) {
    const declared = (spec.policy as Record<string, Access | ActionPolicy | undefined>)[name]
    if (!declared) throw new Error(`${spec.name}.${name} declares no access policy`)
    if (GUARDED.has(policyOf(declared).access) && !spec.guard)
      throw new Error(`${spec.name}.${name} needs a guard for ${policyOf(declared).access}`)
  }
  const actionSchema = z.object({ action: z.string().min(1) }).loose()

  async function run(
    event: unknown,
    context: unknown,
    scope: { action: string; caller?: Caller },
  ): Promise<unknown> {
    const { params, caller } = normaliseEvent(event, context)
    scope.caller = caller
    const forbidden = findForbiddenKey(params)
    if (forbidden !== null)
      throw new AppError(
        'INVALID_INPUT',
        `不允许的字段名「${forbidden.split('.').pop()}」`,
        forbidden,
      )
    const head = actionSchema.safeParse(params)
    if (!head.success) throw new AppError('INVALID_INPUT', '缺少要调用的操作（action）', 'action')
    const { action, ...rest } = head.data
    scope.action = action
    if (!Object.prototype.hasOwnProperty.call(spec.input, action)) {
      throw new AppError(
        'UNKNOWN_ACTION',
        actionNames.length > 0
          ? `${spec.name} 没有「${action}」这个操作（可用：${actionNames.join('、')}）`
          : `${spec.name} 没有可调用的操作`,
        'action',
      )
    }
    const requestId = requestIdOf(context)
    const ctx: InvocationContext = {
      fn: spec.name,
      action,
      requestId,
      caller,
      clock: spec.clock ?? systemClock,
    }
    // Who may call comes before what they sent: a stranger learns nothing from validation.
    const policy = policyOf(
      (spec.policy as Record<string, Access | ActionPolicy>)[action] as Access | ActionPolicy,
    )
    checkSource(ctx, policy.access)
    const schema = spec.input[action] as z.ZodType
    const parsed = schema.safeParse(rest)
    if (!parsed.success) throw invalidInput(parsed.error, schema)
    const handler = spec.handlers[action as keyof In] as (
      c: InvocationContext,
      i: unknown,
    ) => Promise<unknown>
    if (!GUARDED.has(policy.access)) return handler(ctx, parsed.data)
    return spec.guard!.run(ctx, policy, parsed.data, () => handler(ctx, parsed.data))
  }

  function rawRouteFor(event: unknown, context: unknown): HttpRoute | null {
    if (!spec.http || !isHttpAccessEvent(event)) return null
    return invocationKind(context) === 'client' ? null : spec.http
  }

  async function runRaw(
    route: HttpRoute,
    event: HttpAccessEvent,
    context: unknown,
  ): Promise<HttpAccessResponse> {
    const started = Date.now()
    const requestId = requestIdOf(context)
    const invocation: InvocationScope = { requestId, dbRoundTrips: 0 }
    const caller: Caller = {
      source: 'http',
      openid: null,
      unionid: null,
      appid: null,
      bearerToken: null,
      role: route.role,
    }
    const headers: Record<string, string> = {}
    for (const [key, value] of Object.entries(event.headers ?? {}))
      if (typeof value === 'string') headers[key.toLowerCase()] = value
    const request: HttpRequest = {
      method: event.httpMethod.toUpperCase(),
      path: event.path ?? '/',
      headers,
      rawBody: event.body
        ? event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : event.body
        : '',
    }
    const ctx: InvocationContext = {
      fn: spec.name,
      action: route.action,
      requestId,
      caller,
      clock: spec.clock ?? systemClock,
    }
    let reply: HttpReply
    let outcome = 'ok'
    let failure: unknown
    let detail: string | undefined
    try {
      reply = await invocationScope.run(invocation, () => route.handle(ctx, request))
    } catch (err) {
      const error: ApiError =
        err instanceof AppError
          ? err.toApiError()
          : { code: 'INTERNAL', message: 'internal error; it has been logged with the request id' }
      if (!(err instanceof AppError)) failure = err
      else detail = err.message
      outcome = error.code
      reply = {
        statusCode: httpStatusOf(error.code),
        body: JSON.stringify({ code: error.code, message: error.message }),
      }
    }
    const line: Record<string, unknown> = {
      fn: spec.name,
      action: route.action,
      requestId,
      role: caller.role,
      outcome,
      status: reply.statusCode,
      durationMs: Date.now() - started,
      dbRoundTrips: invocation.dbRoundTrips,
      txRetries: invocation.txRetries ?? 0,
    }
    if (detail) line.detail = detail
    if (failure)
      line.error = failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)
    if (process.env.FUNCTION_LOG !== 'off') process.stdout.write(`${JSON.stringify(line)}\n`)
    return {
      statusCode: reply.statusCode,
      headers:
        reply.headers ?? (reply.body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      body: reply.body ?? '',
      isBase64Encoded: false,
    }
  }

  return async function main(
    event: unknown,
    context: unknown,
  ): Promise<Envelope<unknown> | HttpAccessResponse> {
    const raw = rawRouteFor(event, context)
    if (raw) return runRaw(raw, event as HttpAccessEvent, context)
    const started = Date.now()
    const requestId = requestIdOf(context)
    const invocation: InvocationScope = { requestId, dbRoundTrips: 0 }
    const scope: { action: string; caller?: Caller } = { action: '' }
    let envelope: Envelope<unknown>
    let failure: unknown
    try {
      const data = await invocationScope.run(invocation, () => run(event, context, scope))
      envelope = { ok: true, data: data ?? null }
    } catch (err) {
      let error: ApiError
      if (err instanceof AppError) error = err.toApiError()
      else {
        failure = err
        error = {
          code: 'INTERNAL',
          message: 'internal error; it has been logged with the request id',
        }
      }
      envelope = { ok: false, error }
    }
    const line: Record<string, unknown> = {
      fn: spec.name,
      action: scope.action || null,
      requestId,
      role: scope.caller?.role ?? 'anonymous',
      outcome: envelope.ok ? 'ok' : envelope.error.code,
      durationMs: Date.now() - started,
      dbRoundTrips: invocation.dbRoundTrips,
      txRetries: invocation.txRetries ?? 0,
    }
    if (failure)
      line.error = failure instanceof Error ? (failure.stack ?? failure.message) : String(failure)
    if (process.env.FUNCTION_LOG !== 'off') process.stdout.write(`${JSON.stringify(line)}\n`)
    if (invocationKind(context) !== 'client' && isHttpAccessEvent(event)) {
      return {
        statusCode: envelope.ok ? 200 : httpStatusOf(envelope.error.code),
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(envelope),
        isBase64Encoded: false,
      }
    }
    return envelope
  }
}
