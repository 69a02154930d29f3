/**
 * The API client instance pages use: `api.call('ping', 'ping', { note })`.
 */
import Taro from '@tarojs/taro'
import { createApiClient, type Transport } from './client'
import { createCloudTransport } from './cloud-transport'
import type { Contracts } from './contracts'
import { createHttpTransport } from './http-transport'

export type { ApiResult } from './client'
export type { ClientError } from './errors'

function createTransport(): Transport {
  if (process.env.TARO_ENV === 'h5') {
    // The H5 build only ever runs against the local stack, where a chosen demo persona stands in
    // for the WeChat identity. The condition is a build-time constant, so on WeChat webpack drops
    // this branch and the persona code with it.
    const personas: typeof import('../dev/persona-store') = require('../dev/persona-store')
    return createHttpTransport({
      baseUrl: '',
      fetch: (url, init) => fetch(url, init),
      identity: personas.activeOpenid,
    })
  }
  return createCloudTransport((params) => Taro.cloud.callFunction(params))
}

export const api = createApiClient<Contracts>(createTransport())
