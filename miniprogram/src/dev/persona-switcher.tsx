/**
 * H5 only: pick which demo identity the local stack sees, so one browser can try every role.
 * Mounted by components/page-shell behind a build-time TARO_ENV check; absent from WeChat.
 */
import { View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'
import { forgetEverything } from '../lib/queries'
import { ROUTES } from '../lib/routes'
import {
  activeOpenid,
  choosePersona,
  loadPersonas,
  personaLabel,
  ROLE_LABELS,
  storedPersona,
  storeLabels,
  type Persona,
} from './persona-store'
import './persona-switcher.scss'

const PILL_ID = 'persona-switcher'
let instances = 0

/**
 * The pill lives in Taro's H5 title bar (one for the app, outside every page), so it never covers
 * a page: each page is its own stacking context under the sticky bar, so a pill inside a page
 * could not be drawn over the bar. A tap opens the sheet of the page on screen.
 */
function useTitleBarPill(label: string, anchorId: string, onTap: () => void): void {
  useEffect(() => {
    const bar = document.getElementById('taro-navigation-bar')
    if (!bar) return undefined
    let pill = document.getElementById(PILL_ID)
    if (!pill) {
      pill = document.createElement('div')
      pill.id = PILL_ID
      pill.className = 'persona-pill'
      bar.appendChild(pill)
    }
    pill.innerHTML = ''
    const dot = document.createElement('span')
    dot.className = 'persona-pill__dot'
    pill.append(dot, label)
    // The title keeps clear of the pill (app.scss): its width, its 16 px from the edge, a gap.
    bar.style.setProperty('--title-bar-end', `${Math.ceil(pill.offsetWidth) + 24}px`)
    const tap = () => {
      // Pages under the one on screen are hidden (display: none): their anchor has no box.
      if (document.getElementById(anchorId)?.getClientRects().length) onTap()
    }
    pill.addEventListener('click', tap)
    return () => pill?.removeEventListener('click', tap)
  }, [label, anchorId])
}

export function PersonaSwitcher() {
  const [current, setCurrent] = useState<Persona | undefined>(storedPersona)
  const [open, setOpen] = useState(false)
  const [personas, setPersonas] = useState<Persona[] | undefined>(undefined)
  const [anchorId] = useState(() => `persona-anchor-${(instances += 1)}`)
  useTitleBarPill(current ? personaLabel(current) : '选择本地身份', anchorId, () => setOpen(true))

  useEffect(() => {
    // A fresh browser gets the default persona on its first call; show it once chosen.
    void activeOpenid().then(() => setCurrent(storedPersona()))
  }, [])

  useEffect(() => {
    if (open && personas === undefined) void loadPersonas().then(setPersonas)
  }, [open, personas])

  const stores = storeLabels(personas ?? [])

  const pick = (persona: Persona) => {
    choosePersona(persona)
    setCurrent(persona)
    setOpen(false)
    // Nothing the previous identity saw carries over (pages still mounted ask again as the new one).
    void forgetEverything()
    // Start over as the new identity, where that role starts: shoppers at home, staff at the desk.
    void Taro.reLaunch({ url: persona.role === 'member' ? ROUTES.home : ROUTES.staffHome })
  }

  return (
    <>
      <View id={anchorId} className="persona-anchor" />
      {open && (
        <View className="persona-sheet" onClick={() => setOpen(false)}>
          <View className="persona-sheet__panel" onClick={(e) => e.stopPropagation()}>
            <View className="persona-sheet__title">切换本地身份</View>
            <View className="persona-sheet__note">
              仅本地开发环境可见，正式小程序中使用微信身份
            </View>
            {personas === undefined && (
              <View className="persona-sheet__status">正在读取身份列表…</View>
            )}
            {personas !== undefined && personas.length === 0 && (
              <View className="persona-sheet__status">
                本地服务没有提供身份列表（/dev/personas）
              </View>
            )}
            {personas?.map((persona) => (
              <View
                key={persona.openid}
                className={
                  persona.openid === current?.openid
                    ? 'persona-option persona-option--current'
                    : 'persona-option'
                }
                data-openid={persona.openid}
                onClick={() => pick(persona)}
              >
                <View className={`persona-option__role persona-option__role--${persona.role}`}>
                  {ROLE_LABELS[persona.role]}
                </View>
                <View className="persona-option__name">{persona.name}</View>
                {persona.storeId && (
                  <View className="persona-option__store">{stores.get(persona.storeId)}</View>
                )}
              </View>
            ))}
          </View>
        </View>
      )}
    </>
  )
}
