/**
 * The one API client every page uses. It is generic over the contract map (api/contracts.ts)
 * and over how bytes travel (a Transport): `Taro.cloud.callFunction` on WeChat, `POST /fn/<name>`
 * to the local stack on H5. Both give the same typed ApiResult, and it never throws: a page
 * always gets either data or a ClientError it can show.
 */
import type { ActionName, ContractMap, FunctionName, InputOf, OutputOf } from './contracts'
import { clientError, type ClientError } from './errors'

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ClientError }

/** Why a transport could not produce a function's reply. */
export type TransportFailure = 'network' | 'function-failed' | 'bad-response'

export class TransportError extends Error {
  readonly failure: TransportFailure

  constructor(failure: TransportFailure, detail: string) {
    super(detail)
    this.name = 'TransportError'
    this.failure = failure
  }
}

/**
 * Sends `{action, ...params}` to function `fn` and resolves with the function's reply (the
 * envelope, unparsed). Rejects with a TransportError when there is no reply to read.
 */
export type Transport = (fn: string, event: Record<string, unknown>) => Promise<unknown>

type Empty = Record<never, never>
/** Keys of P that must be given (not optional). */
type RequiredKeys<P> = { [K in keyof P]-?: Empty extends Pick<P, K> ? never : K }[keyof P]
/** Params may be left out when no field is required (`{}`, all-optional, `z.strictObject({})`). */
type ParamsArg<P> = [RequiredKeys<P>] extends [never] ? [params?: P] : [params: P]

export interface ApiClient<C extends ContractMap> {
  call<F extends FunctionName<C>, A extends ActionName<C, F>>(
    fn: F,
    action: A,
    ...params: ParamsArg<InputOf<C, F, A>>
  ): Promise<ApiResult<OutputOf<C, F, A>>>
}

const FAILURE_CODES: Record<TransportFailure, string> = {
  network: 'NETWORK',
  'function-failed': 'FUNCTION_FAILED',
  'bad-response': 'BAD_RESPONSE',
}

export function createApiClient<C extends ContractMap>(transport: Transport): ApiClient<C> {
  return {
    async call(fn, action, ...rest) {
      const params = (rest[0] ?? {}) as Record<string, unknown>
      let reply: unknown
      try {
        // `action` last: a stray `action` key in params must not redirect the call.
        reply = await transport(fn, { ...params, action })
      } catch (err) {
        return { ok: false, error: transportFailure(err) }
      }
      return readEnvelope(reply)
    },
  }
}

function transportFailure(err: unknown): ClientError {
  if (err instanceof TransportError) return clientError(FAILURE_CODES[err.failure], err.message)
  return clientError('NETWORK', err instanceof Error ? err.message : String(err))
}

/**
 * Reads `{ok:true,data}` / `{ok:false,error:{code,message,field?}}`. The data is not re-validated
 * against the output schema: the function already produced it from that schema, and shipping zod
 * to every phone would cost more than it protects.
 */
export function readEnvelope<T>(reply: unknown): ApiResult<T> {
  if (typeof reply === 'object' && reply !== null && 'ok' in reply) {
    const envelope = reply as { ok: unknown; data?: unknown; error?: unknown }
    if (envelope.ok === true) return { ok: true, data: envelope.data as T }
    if (envelope.ok === false && typeof envelope.error === 'object' && envelope.error !== null) {
      const { code, message, field } = envelope.error as {
        code?: unknown
        message?: unknown
        field?: unknown
      }
      if (typeof code === 'string') {
        const detail = typeof message === 'string' ? message : ''
        return {
          ok: false,
          error: clientError(code, detail, typeof field === 'string' ? field : undefined),
        }
      }
    }
  }
  return { ok: false, error: clientError('BAD_RESPONSE', `unexpected reply: ${preview(reply)}`) }
}

function preview(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200)
  } catch {
    return String(value).slice(0, 200)
  }
}
