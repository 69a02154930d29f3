/** What every service receives first: who is calling (from the invocation, never the body), when, and what. */
import type { Clock } from '../ports/clock'

export type CallerSource = 'wechat' | 'http' | 'timer'

export interface Caller {
  source: CallerSource
  /** WeChat identity from the invocation context; null for HTTP access and timers. */
  openid: string | null
  unionid: string | null
  appid: string | null
  /** `authorization: Bearer …` of an HTTP access call (the HQ console). */
  bearerToken: string | null
  /** Set by the service that resolved the caller's role; reported in the log line. */
  role: string
}

export interface InvocationContext {
  fn: string
  action: string
  requestId: string
  caller: Caller
  clock: Clock
  /** What this invocation resolved about its caller, by kind (policy.ts `remembered`). */
  memo?: Map<string, Promise<unknown>>
}
