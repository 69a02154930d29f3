import { Image } from '@tarojs/components'
import './index.scss'

/**
 * The app's line icons (24 × 24, 1.8 px strokes, the tab bar's style): drawn as SVG and shown
 * through <Image> as a data URI, which WeChat and browsers both render; no icon font, no files.
 */
const PATHS = {
  qr: '<rect x="3.5" y="3.5" width="6.5" height="6.5" rx="1"/><rect x="14" y="3.5" width="6.5" height="6.5" rx="1"/><rect x="3.5" y="14" width="6.5" height="6.5" rx="1"/><path d="M14 14h2.5v2.5H14zM18 18h2.5v2.5H18zM14 18.5v2M18.5 14h2"/>',
  receipt:
    '<path d="M6 3.5h12v17l-2-1.3-2 1.3-2-1.3-2 1.3-2-1.3-2 1.3z"/><path d="M9 8h6M9 11.5h6M9 15h3.5"/>',
  chat: '<path d="M4 5.5h16v10.5H9.5L5.5 19.5V16H4z"/><path d="M8 9.5h8M8 12.5h5"/>',
  star: '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5l1.4 2.9 3.1.4-2.3 2.2.6 3.1L12 14.6l-2.8 1.5.6-3.1-2.3-2.2 3.1-.4z"/>',
  user: '<circle cx="12" cy="8" r="4"/><path d="M4.5 20.5c.8-4 3.8-6 7.5-6s6.7 2 7.5 6"/>',
  users:
    '<circle cx="9" cy="8.5" r="3.5"/><path d="M2.5 20c.6-3.5 3.2-5.5 6.5-5.5s5.9 2 6.5 5.5"/><path d="M15.5 5.2a3.5 3.5 0 0 1 0 6.6M17.5 14.8c2 .7 3.4 2.4 3.9 5.2"/>',
  ticket:
    '<path d="M3.5 7h17v3a2 2 0 0 0 0 4v3h-17v-3a2 2 0 0 0 0-4z"/><path d="M14.5 7v10" stroke-dasharray="1.5 2"/>',
  shield:
    '<path d="M12 3.5l7.5 3v5.5c0 4.5-3.2 7.6-7.5 8.5-4.3-.9-7.5-4-7.5-8.5V6.5z"/><path d="M9 12l2.2 2.2L15.5 10"/>',
  store:
    '<path d="M4 9.5l1.5-5h13l1.5 5"/><path d="M4 9.5c0 1.5 1.2 2.5 2.7 2.5s2.6-1 2.6-2.5c0 1.5 1.2 2.5 2.7 2.5s2.7-1 2.7-2.5c0 1.5 1.1 2.5 2.6 2.5S20 11 20 9.5"/><path d="M5.5 12v8.5h13V12M10 20.5v-5h4v5"/>',
  gift: '<rect x="3.5" y="8" width="17" height="4" rx="1"/><path d="M5 12v8.5h14V12"/><path d="M12 8v12.5"/><path d="M12 8C10.5 4.5 7 4.5 7 6.5S10 8 12 8zM12 8c1.5-3.5 5-3.5 5-1.5S14 8 12 8z"/>',
  bag: '<path d="M5 7.5h14l-1 13H6z"/><path d="M9 10V6.5a3 3 0 0 1 6 0V10"/>',
  scan: '<path d="M3.5 8V5a1.5 1.5 0 0 1 1.5-1.5h3M16 3.5h3A1.5 1.5 0 0 1 20.5 5v3M20.5 16v3a1.5 1.5 0 0 1-1.5 1.5h-3M8 20.5H5A1.5 1.5 0 0 1 3.5 19v-3"/><path d="M3.5 12h17"/>',
  box: '<path d="M3.5 7.5L12 3.5l8.5 4v9L12 20.5l-8.5-4z"/><path d="M3.5 7.5L12 11.5l8.5-4M12 11.5v9"/>',
  doc: '<path d="M6 3.5h8.5l3.5 3.5v13.5H6z"/><path d="M14 3.5V7h4M9 11h6M9 14.5h6M9 18h3.5"/>',
  check: '<rect x="3.5" y="3.5" width="17" height="17" rx="3"/><path d="M8 12.2l2.8 2.8L16.5 9"/>',
  chart: '<path d="M4 20.5h16"/><path d="M6.5 17v-5M11 17V7.5M15.5 17v-7M20 17V4.5" />',
  megaphone:
    '<path d="M4 10v4h3l8 4.5v-13L7 10z"/><path d="M7 14l1.5 5.5h2.5L10 15.2M18 9.5a3.5 3.5 0 0 1 0 5"/>',
  swap: '<path d="M4 8h14l-3.5-3.5M20 16H6l3.5 3.5"/>',
  search: '<circle cx="10.5" cy="10.5" r="6.5"/><path d="M15.5 15.5l5 5"/>',
} as const

export type IconName = keyof typeof PATHS

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** base64 of an ASCII string (the SVG markup is ASCII): no btoa in WeChat's JS engine. */
function base64(text: string): string {
  let out = ''
  for (let i = 0; i < text.length; i += 3) {
    const [a, b, c] = [text.charCodeAt(i), text.charCodeAt(i + 1), text.charCodeAt(i + 2)]
    const n = (a << 16) | ((b || 0) << 8) | (c || 0)
    out += BASE64[(n >> 18) & 63]! + BASE64[(n >> 12) & 63]!
    out += Number.isNaN(b) ? '=' : BASE64[(n >> 6) & 63]!
    out += Number.isNaN(c) ? '=' : BASE64[n & 63]!
  }
  return out
}

const uris = new Map<string, string>()

/** The icon as a data URI in `color` (cached per name and colour). */
export function iconUri(name: IconName, color = '#d6453d'): string {
  const key = `${name}:${color}`
  let uri = uris.get(key)
  if (uri === undefined) {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="${color}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${PATHS[name]}</svg>`
    uri = `data:image/svg+xml;base64,${base64(svg)}`
    uris.set(key, uri)
  }
  return uri
}

export function Icon({
  name,
  color,
  className,
}: {
  name: IconName
  color?: string
  className?: string
}) {
  return (
    <Image
      className={className ? `icon ${className}` : 'icon'}
      src={iconUri(name, color)}
      mode="aspectFit"
    />
  )
}
