/**
 * Headless Chromium for end-to-end tests, driven by playwright-core: the browser `npm install`
 * brings (./bundled-chromium.ts), or the one CHROMIUM_PATH names. A fresh profile per browser,
 * and screenshots of each step saved under .test-artifacts/e2e/.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { bundledChromium } from './bundled-chromium'

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function launchChromium(): Promise<Browser> {
  if (process.env.CHROMIUM_PATH) {
    return chromium.launch({ executablePath: process.env.CHROMIUM_PATH, args: CHROMIUM_ARGS })
  }
  const bundled = bundledChromium()
  return chromium.launch({
    executablePath: bundled.executablePath,
    args: CHROMIUM_ARGS,
    env: { ...process.env, ...bundled.env },
  })
}

/** Saves numbered screenshots for one test into .test-artifacts/e2e/<name>/. */
export function screenshotter(name: string) {
  const dir = path.resolve(__dirname, '..', '..', '.test-artifacts', 'e2e', name)
  mkdirSync(dir, { recursive: true })
  let step = 0
  return async (page: Page, label: string) => {
    step++
    await page.screenshot({
      path: path.join(dir, `${String(step).padStart(2, '0')}-${label}.png`),
      fullPage: true,
      // Transitions finished, as a person sees the page a moment later: antd grows a field's
      // message in with a height transition, and a shot taken mid-way cut its text in half.
      animations: 'disabled',
    })
  }
}
