/**
 * H5 transport: `POST <baseUrl>/fn/<name>` with the event as JSON, the way the local stack's
 * function host (and CloudBase HTTP access) expects. The host answers 4xx with an envelope too,
 * so any JSON body is the function's reply whatever the status.
 */
import { TransportError, type Transport } from './client'

export interface HttpTransportOptions {
  /** '' for same origin (the local stack serves the H5 build and the functions together). */
  baseUrl: string
  fetch: (
    url: string,
    init: { method: string; headers: Record<string, string>; body: string },
  ) => Promise<{
    status: number
    json(): Promise<unknown>
  }>
  /** The local stack's stand-in for WeChat identity, sent as `x-openid`. */
  identity?: () => Promise<string | undefined>
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  return async (fn, event) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    const openid = await options.identity?.()
    if (openid) headers['x-openid'] = openid

    let response: Awaited<ReturnType<HttpTransportOptions['fetch']>>
    try {
      response = await options.fetch(`${options.baseUrl}/fn/${encodeURIComponent(fn)}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(event),
      })
    } catch (err) {
      throw new TransportError('network', err instanceof Error ? err.message : String(err))
    }

    try {
      return await response.json()
    } catch {
      // A gateway or proxy in the way (502/503/504 pages) is a network problem to the person;
      // anything else without JSON is a reply we cannot read.
      const failure = response.status >= 500 || response.status === 0 ? 'network' : 'bad-response'
      throw new TransportError(failure, `HTTP ${response.status} without a JSON body`)
    }
  }
}
