import { QueryClientProvider } from '@tanstack/react-query'
import Taro from '@tarojs/taro'
import { createElement, type PropsWithChildren } from 'react'
import { queryClient } from './lib/queries'
import './app.scss'

if (process.env.TARO_ENV === 'weapp') {
  // Before any page calls a function: the environment named at build time (CLOUDBASE_ENV_ID,
  // required for this target by miniprogram/config/cloud-env.ts), never a silent default.
  Taro.cloud.init({ env: CLOUDBASE_ENV_ID, traceUser: true })
}

/** Every page renders inside the app, so every page shares the one data cache. */
function App({ children }: PropsWithChildren) {
  return createElement(QueryClientProvider, { client: queryClient }, children)
}

export default App
