/**
 * The shopper's position for "nearest store first", or null when they do not share it. WeChat
 * asks for permission the first time (app.config.ts says why); H5 uses the browser's
 * geolocation. A refusal, no GPS or no answer within a few seconds all mean null: the store
 * picker then puts the member's own store first.
 */
import Taro from '@tarojs/taro'

export interface LatLng {
  lat: number
  lng: number
}

const WAIT_MS = 8000

export async function shopperLocation(): Promise<LatLng | null> {
  // WeChat gives gcj02, the coordinates Chinese maps use and HQ enters for its stores; browsers
  // only know GPS (wgs84), a few hundred metres off in China: fine for ordering stores.
  const asking = Taro.getLocation({ type: process.env.TARO_ENV === 'h5' ? 'wgs84' : 'gcj02' })
    .then((res) =>
      Number.isFinite(res.latitude) && Number.isFinite(res.longitude)
        ? { lat: res.latitude, lng: res.longitude }
        : null,
    )
    .catch(() => null)
  let timer: ReturnType<typeof setTimeout> | undefined
  const giveUp = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), WAIT_MS)
  })
  try {
    return await Promise.race([asking, giveUp])
  } finally {
    clearTimeout(timer)
  }
}
