/**
 * WeChat transport: `wx.cloud.callFunction({name, data})`. The function's return value (the
 * envelope) is `result`. The call itself rejects when the request never completed or when the
 * function crashed, timed out or does not exist; errMsg tells those apart.
 */
import { TransportError, type Transport } from './client'

export type CallFunction = (params: {
  name: string
  data: Record<string, unknown>
}) => Promise<{ result?: unknown }>

// wx.request-level failures ("request:fail ...", "timeout") mean no network; cloud errCodes in the
// -5xxxxx range are the function failing (e.g. -504002 execution error, -501000 not found).
const NETWORK_FAILURE = /request:fail|timeout|timed out|network/i

export function createCloudTransport(callFunction: CallFunction): Transport {
  return async (fn, event) => {
    try {
      const response = await callFunction({ name: fn, data: event })
      return response.result
    } catch (err) {
      const errMsg = errMsgOf(err)
      throw new TransportError(NETWORK_FAILURE.test(errMsg) ? 'network' : 'function-failed', errMsg)
    }
  }
}

function errMsgOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const { errMsg, message } = err as { errMsg?: unknown; message?: unknown }
    if (typeof errMsg === 'string') return errMsg
    if (typeof message === 'string') return message
  }
  return String(err)
}
