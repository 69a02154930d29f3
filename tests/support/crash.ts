/**
 * Crash injection for the local stack, at the database edge: the SDK requests that `match`
 * picks never reach the gateway's database and are not answered, as when the invocation making
 * them is killed just before that write (CloudBase ends a function at its timeout; an instance
 * can vanish). The invocation stays stuck there, as a killed one would never go on. Afterwards
 * `release()` lets the held requests through late (an invocation that stalled rather than died,
 * its write landing after everyone else's), or `drop()` answers them with a network error.
 * Only the first `times` matching requests are held (default 1); later ones pass.
 */
import type { LocalStack } from '../../scripts/local-cloud/stack'

export interface SdkRequest {
  action: string
  collectionName?: string
  query?: unknown
  data?: unknown
  transactionId?: string
}

export interface Cut {
  /** Resolves with the first held request, once it arrived (the invocation is now stuck there). */
  seen: Promise<SdkRequest>
  /** Lets the held requests reach the database now, and answers them with what it says. */
  release(): Promise<void>
  /** Answers the held requests with a network error, as a lost connection would. */
  drop(): void
  /** Stops holding requests (held ones stay held until released or dropped). */
  restore(): void
}

type Handle = LocalStack['gateway']['handle']

export function cutBefore(
  stack: LocalStack,
  match: (request: SdkRequest) => boolean,
  times = 1,
): Cut {
  const original: Handle = stack.gateway.handle
  const held: { body: unknown; answer: (reply: Record<string, unknown>) => void }[] = []
  let onSeen!: (request: SdkRequest) => void
  const seen = new Promise<SdkRequest>((resolve) => (onSeen = resolve))
  let left = times
  const restore = () => {
    stack.gateway.handle = original
  }
  stack.gateway.handle = async (body) => {
    const request = body as SdkRequest
    if (left > 0 && typeof request?.action === 'string' && match(request)) {
      left--
      if (left === 0) restore()
      onSeen(request)
      return new Promise((answer) => held.push({ body, answer }))
    }
    return original(body)
  }
  return {
    seen,
    async release() {
      restore()
      for (const h of held.splice(0)) h.answer(await original(h.body))
    },
    drop() {
      restore()
      for (const h of held.splice(0))
        h.answer({ code: 'SYS_ERR', message: 'connection reset by the crash test' })
    },
    restore,
  }
}

/** The request's text (its query and data are EJSON strings), for matching on ids and fields. */
export function requestText(request: SdkRequest): string {
  return JSON.stringify(request)
}
