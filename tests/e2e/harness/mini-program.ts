/**
 * Drives the H5 build of the mini-program in headless Chromium against the real local stack, the
 * way a person would: a phone-sized browser, taps on what they can see, and a screenshot of each
 * step in .test-artifacts/e2e/<test>/.
 *
 * The stack comes from tests/support/local-stack (free port, temporary data folder, demo data);
 * the browser from tests/support/browser. This file adds what is specific to the mini-program:
 * building H5 when it is missing or stale, Taro's H5 page structure, the tab
 * bar, the persona switcher, and a log of the function calls the app made.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { checkFresh } from '../../../scripts/build-cache'
import { miniprogramSpec } from '../../../scripts/builds'
import { screenshotter } from '../../support/browser'

const root = path.resolve(__dirname, '..', '..', '..')
export const H5_DIR = path.join(root, 'miniprogram', 'dist', 'h5')

/**
 * The H5 build to serve. `npm test` builds it just before jest; run by hand, a missing or stale
 * build (its inputs' hash differs from the one beside it, scripts/build-cache.ts) is rebuilt first.
 */
export function ensureH5Built(): string {
  if (!checkFresh(miniprogramSpec('h5'), root).fresh) {
    const build = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/builds.ts'], {
      cwd: root,
      encoding: 'utf8',
    })
    if (build.status !== 0) throw new Error(`H5 build failed:\n${build.stdout}\n${build.stderr}`)
  }
  return H5_DIR
}

export interface FunctionCall {
  name: string
  action: string
  openid: string | undefined
  status: number | undefined
}

export interface MiniProgramSession {
  page: Page
  /** Every `POST /fn/<name>` the app made, in order, with the identity it sent. */
  calls: FunctionCall[]
  /** Script files the browser fetched, relative to the H5 build (e.g. "js/app.js"). */
  scripts: string[]
  /** The page on screen (Taro keeps earlier pages of the stack in the DOM, shaded). */
  current(): Locator
  /** Opens the app at `hashRoute` ('' for the home page) and waits for it to render. */
  open(pathAndHash?: string): Promise<void>
  /** Waits until `route` (e.g. '/staff/home/index') is on screen showing `text`. */
  waitFor(route: string, text: string): Promise<void>
  tapTab(label: string): Promise<void>
  /** Picks a persona in the H5-only switcher by (part of) its name. */
  switchPersona(name: string): Promise<void>
  shot(label: string): Promise<void>
  close(): Promise<void>
}

export interface SessionOptions {
  /** Where the phone is: location permission granted at this position. Without it, refused. */
  geolocation?: { latitude: number; longitude: number }
}

export async function openMiniProgram(
  browser: Browser,
  baseUrl: string,
  testName: string,
  options: SessionOptions = {},
): Promise<MiniProgramSession> {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    ...(options.geolocation
      ? { geolocation: options.geolocation, permissions: ['geolocation'] }
      : {}),
  })
  const page = await context.newPage()
  // Fail a step in seconds, not after playwright's default half minute.
  // Generous: CI shares two cores with builds; a slow step must not read as a failure.
  page.setDefaultTimeout(30_000)
  const calls: FunctionCall[] = []
  const scripts: string[] = []
  page.on('request', (request) => {
    const match = /\/fn\/([^/?]+)/.exec(request.url())
    if (match && request.method() === 'POST') {
      const body = JSON.parse(request.postData() ?? '{}') as { action?: string }
      calls.push({
        name: match[1]!,
        action: body.action ?? '',
        openid: request.headers()['x-openid'],
        status: undefined,
      })
    }
    if (request.resourceType() === 'script' && request.url().startsWith(baseUrl)) {
      scripts.push(new URL(request.url()).pathname.replace(/^\//, ''))
    }
  })
  page.on('response', (response) => {
    const match = /\/fn\/([^/?]+)/.exec(response.url())
    if (!match) return
    const pending = calls.find((call) => call.status === undefined && call.name === match[1])
    if (pending) pending.status = response.status()
  })
  const screenshot = screenshotter(testName)
  // Taro H5 marks the page on screen `taro_page_show`, pages under it `taro_page_shade`, and a page
  // whose slide-in transition has finished `taro_page_stationed`; each page's element id is its
  // route with the query.
  const current = () => page.locator('.taro_page.taro_page_show:not(.taro_page_shade)').last()

  const session: MiniProgramSession = {
    page,
    calls,
    scripts,
    current,
    async open(pathAndHash = '') {
      await page.goto(`${baseUrl}/${pathAndHash}`)
      await page.waitForSelector('.taro_page')
    },
    async waitFor(route, text) {
      await page.waitForURL((url) => url.hash.startsWith(`#${route}`))
      const arrived = page.locator(
        `.taro_page.taro_page_show.taro_page_stationed:not(.taro_page_shade)[id^="${route}"]`,
      )
      await arrived.getByText(text, { exact: false }).first().waitFor()
      await page.waitForLoadState('networkidle')
    },
    async tapTab(label) {
      await page.locator('.weui-tabbar__item', { hasText: label }).click()
    },
    async switchPersona(name) {
      // The pill sits in the H5 title bar; it opens the sheet of the page on screen.
      await page.locator('#persona-switcher').click()
      await current().locator('.persona-option', { hasText: name }).click()
    },
    shot: (label) => screenshot(page, label),
    close: () => context.close(),
  }
  return session
}
