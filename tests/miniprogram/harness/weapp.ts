/**
 * Renders the real WeChat build (miniprogram/dist/weapp) in jsdom with miniprogram-simulate.
 *
 * Taro's output is an App plus Pages; miniprogram-simulate only knows Components. This harness
 * supplies the rest of a mini-program's globals, just enough for Taro:
 *   - `App(config)` keeps the app object; `getApp()` returns it; `getCurrentPages()` the open pages;
 *   - `Page(config)` becomes a `Component` whose `attached` sets `route` and runs
 *     onLoad(query) → onShow → onReady, as WeChat would when opening the page;
 *   - `wx` gets the APIs the pages call, recorded for assertions, and `wx.cloud.callFunction`
 *     answers from a per-test function table, the way the CloudBase functions would.
 * Pages render with WeChat's official WXML compiler (the pure-JS one renders Taro's recursive
 * templates empty). Taro renders after its first setData, asynchronously: tests wait for what
 * they expect to see rather than sleeping.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * The slice of miniprogram-simulate this harness uses. Its own typings pull in
 * miniprogram-api-typings, whose global `require` would replace Node's for the whole repository's
 * type check, so it is loaded untyped (through jest's registry, which isolates each test file).
 */
interface JComponent {
  dom?: DomNode
  instance: Record<string, unknown>
  attach(parent: unknown): void
  detach(): void
  setData(data: Record<string, unknown>): void
  querySelector(selector: string): RenderedNode | undefined
  querySelectorAll(selector: string): RenderedNode[]
}
interface Simulate {
  load(
    componentPath: string,
    tagName: string,
    options: { compiler: 'official'; rootPath: string },
  ): string
  render(id: string, properties?: Record<string, unknown>): JComponent
}
const simulate = jest.requireActual<Simulate>('miniprogram-simulate')

export const WEAPP_DIR = path.resolve(__dirname, '../../../miniprogram/dist/weapp')

/** A function's reply for `wx.cloud.callFunction`: the envelope, or a rejection (errMsg). */
export type CloudReply =
  | { ok: true; data: unknown }
  | { ok: false; error: { code: string; message: string } }
  | { errMsg: string }
export type CloudHandler = (
  name: string,
  event: Record<string, unknown>,
) => CloudReply | Promise<CloudReply>

export interface WxCall {
  api: string
  args: unknown
}

interface Harness {
  calls: WxCall[]
  cloudCalls: Array<{ name: string; data: Record<string, unknown> }>
  handler: CloudHandler
  pages: PageInstance[]
  app: Record<string, unknown> | undefined
  nextPage: { route: string; query: Record<string, string> } | undefined
  componentIds: Map<string, string>
  /** What `wx.getLocation` answers: a position, or null for a refused permission. */
  location: { latitude: number; longitude: number } | null
  /** Whether the person taps the confirm button of the next `wx.showModal` dialogs. */
  confirmModals: boolean
}

interface PageInstance {
  route: string
  data: Record<string, unknown>
  [key: string]: unknown
}

type DomNode = {
  textContent: string | null
  querySelector(selector: string): DomNode | null
  querySelectorAll(selector: string): ArrayLike<DomNode>
  getAttribute(name: string): string | null
  id: string
}

/** A node of the rendered tree as miniprogram-simulate sees it (ids and unprefixed classes work). */
export interface RenderedNode {
  dom?: DomNode
  querySelector(selector: string): RenderedNode | undefined
  querySelectorAll(selector: string): RenderedNode[]
  dispatchEvent(eventName: string, options?: unknown): void
}

export interface RenderedPage {
  /** The rendered page root (jsdom; its classes carry miniprogram-simulate's `main--` prefix). */
  dom: DomNode
  /** Finds by `#id` (Taro keeps JSX ids) or class, inside the page's own tree. */
  find(selector: string): RenderedNode | undefined
  findAll(selector: string): RenderedNode[]
  /** Text of the first match, whitespace collapsed; undefined when nothing matches. */
  textOf(selector: string): string | undefined
  /** All visible text, whitespace collapsed. */
  text(): string
  /** Taps the element with this DOM id (Taro keeps JSX ids), as a finger would. */
  tap(id: string): Promise<void>
  /** Waits until `predicate` holds, re-checking after each macrotask; fails after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>
  /** Waits until the page shows `text`. */
  waitForText(text: string, timeoutMs?: number): Promise<void>
  /** The person pulls the page down (WeChat calls the page's onPullDownRefresh). */
  pullDown(): void
  /**
   * Closes the page and waits until the app has unmounted it: React's effect clean-ups run after
   * the commit, and only then does the app's data cache forget what no page shows any more (as it
   * has long done when a person opens the next page).
   */
  detach(): Promise<void>
}

const state: Harness = {
  calls: [],
  cloudCalls: [],
  handler: () => ({ errMsg: 'cloud.callFunction:fail no handler for this test' }),
  pages: [],
  app: undefined,
  nextPage: undefined,
  componentIds: new Map(),
  location: null,
  confirmModals: false,
}

export function assertWeappBuilt(): void {
  if (!existsSync(path.join(WEAPP_DIR, 'app.json'))) {
    throw new Error(
      'miniprogram/dist/weapp is missing: build it with `node_modules/.bin/tsx scripts/build-miniprogram.ts weapp` ' +
        '(`npm test` builds it before running jest).',
    )
  }
}

/** Replaces how cloud functions answer, for the rest of the test. */
export function answerFunctions(handler: CloudHandler): void {
  state.handler = handler
}

/** The shopper shares this position with `wx.getLocation` (null: they refuse), until reset. */
export function answerLocation(location: { latitude: number; longitude: number } | null): void {
  state.location = location
}

/** The person confirms (true) or cancels (false, the default) `wx.showModal` dialogs, until reset. */
export function answerModals(confirm: boolean): void {
  state.confirmModals = confirm
}

export function wxCalls(api?: string): WxCall[] {
  return api === undefined ? state.calls : state.calls.filter((call) => call.api === api)
}

export function cloudCalls() {
  return state.cloudCalls
}

export function resetCalls(): void {
  state.calls.length = 0
  state.cloudCalls.length = 0
  state.location = null
  state.confirmModals = false
}

function recorded(
  api: string,
  result: (args: Record<string, unknown>) => unknown = () => ({ errMsg: `${api}:ok` }),
) {
  return (args: Record<string, unknown> = {}) => {
    state.calls.push({ api, args })
    const value = result(args)
    const success = args.success as ((res: unknown) => void) | undefined
    const complete = args.complete as ((res: unknown) => void) | undefined
    success?.(value)
    complete?.(value)
    return Promise.resolve(value)
  }
}

let installed = false
const storage = new Map<string, unknown>()

/** Installs the mini-program globals and loads the built app (app.js and its chunks) once per test file. */
export function installWeapp(): void {
  assertWeappBuilt()
  if (installed) return
  installed = true
  const g = globalThis as Record<string, unknown>
  const wx = g.wx as Record<string, unknown>
  // WeChat's logic layer has no DOM, so no MutationObserver. Libraries that feature-detect it
  // (asap, under the `promise` package Taroify's hooks import) would otherwise pick jsdom's and
  // hand it Taro's virtual nodes, which jsdom rejects; on a phone they fall back to timers.
  delete g.MutationObserver

  Object.assign(wx, {
    cloud: {
      DYNAMIC_CURRENT_ENV: Symbol('DYNAMIC_CURRENT_ENV'),
      init: recorded('cloud.init'),
      callFunction: async (params: { name: string; data: Record<string, unknown> }) => {
        state.cloudCalls.push({ name: params.name, data: params.data })
        const reply = await state.handler(params.name, params.data)
        if ('errMsg' in reply) throw reply
        return { result: reply, errMsg: 'cloud.callFunction:ok' }
      },
    },
    // miniprogram-simulate's own selector query is an empty shell (select() returns nothing).
    // WeChat's answers every queued node in exec(); the simulator lays nothing out, so each
    // rect is zero-sized, as a node not yet laid out would be.
    createSelectorQuery: () => {
      const zero = {
        id: '',
        dataset: {},
        left: 0,
        right: 0,
        top: 0,
        bottom: 0,
        width: 0,
        height: 0,
      }
      const results: unknown[] = []
      const query = {
        in: () => query,
        select: () => nodes(zero),
        selectAll: () => nodes([]),
        selectViewport: () => nodes(zero),
        exec: (callback?: (answers: unknown[]) => void) => {
          setTimeout(() => callback?.(results), 0)
        },
      }
      const nodes = (answer: unknown) => {
        const ref = {
          boundingClientRect: (callback?: (rect: unknown) => void) => {
            results.push(answer)
            if (callback) setTimeout(() => callback(answer), 0)
            return query
          },
          scrollOffset: (callback?: (offset: unknown) => void) => {
            const offset = { scrollLeft: 0, scrollTop: 0 }
            results.push(offset)
            if (callback) setTimeout(() => callback(offset), 0)
            return query
          },
          fields: (_fields: unknown, callback?: (answer: unknown) => void) => {
            results.push({})
            if (callback) setTimeout(() => callback({}), 0)
            return query
          },
        }
        return ref
      }
      return query
    },
    showToast: recorded('showToast'),
    showModal: recorded('showModal', () => ({
      confirm: state.confirmModals,
      cancel: !state.confirmModals,
      errMsg: 'showModal:ok',
    })),
    // The payer completes the WeChat pay sheet.
    requestPayment: recorded('requestPayment'),
    navigateTo: recorded('navigateTo'),
    navigateBack: recorded('navigateBack'),
    openLocation: recorded('openLocation'),
    setClipboardData: recorded('setClipboardData'),
    setNavigationBarTitle: recorded('setNavigationBarTitle'),
    redirectTo: recorded('redirectTo'),
    switchTab: recorded('switchTab'),
    reLaunch: recorded('reLaunch'),
    stopPullDownRefresh: recorded('stopPullDownRefresh'),
    scanCode: recorded('scanCode', () => ({ errMsg: 'scanCode:fail cancel' })),
    // The address the shopper picks from their WeChat address book.
    chooseAddress: recorded('chooseAddress', () => ({
      userName: '林女士',
      telNumber: '13812345678',
      provinceName: '上海市',
      cityName: '上海市',
      countyName: '徐汇区',
      detailInfo: '虹桥路 1 号 1001 室',
      errMsg: 'chooseAddress:ok',
    })),
    getLocation: (args: Record<string, unknown> = {}) => {
      state.calls.push({ api: 'getLocation', args })
      const reply = state.location
        ? { ...state.location, errMsg: 'getLocation:ok' }
        : { errMsg: 'getLocation:fail auth deny' }
      ;((state.location ? args.success : args.fail) as ((res: unknown) => void) | undefined)?.(
        reply,
      )
      ;(args.complete as ((res: unknown) => void) | undefined)?.(reply)
    },
    // Storage that keeps what was set for the rest of the test file (the simulator's forgets it).
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    getStorageSync: (key: string) => (storage.has(key) ? storage.get(key) : ''),
    removeStorageSync: (key: string) => void storage.delete(key),
    // The person accepts every template asked for.
    requestSubscribeMessage: recorded('requestSubscribeMessage', (args) => ({
      errMsg: 'requestSubscribeMessage:ok',
      ...Object.fromEntries((args.tmplIds as string[]).map((id) => [id, 'accept'])),
    })),
  })

  g.App = (config: Record<string, unknown>) => {
    state.app = config
  }
  g.getApp = () => state.app
  g.getCurrentPages = () => state.pages

  const registerComponent = g.Component as (options: Record<string, unknown>) => void
  g.Page = (config: Record<string, unknown>) => {
    const methods: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(config))
      if (typeof value === 'function') methods[key] = value
    registerComponent({
      data: config.data ?? {},
      options: config.options,
      methods,
      lifetimes: {
        attached(this: PageInstance) {
          const opening = state.nextPage ?? { route: 'pages/home/index', query: {} }
          this.route = opening.route
          state.pages.push(this)
          const call = (name: string, ...args: unknown[]) =>
            (this[name] as ((...a: unknown[]) => void) | undefined)?.call(this, ...args)
          call('onLoad', opening.query)
          call('onShow')
          call('onReady')
        },
        detached(this: PageInstance) {
          ;(this.onUnload as (() => void) | undefined)?.call(this)
          state.pages = state.pages.filter((page) => page !== this)
        },
      },
    })
  }

  // app.js requires the shared chunks (runtime, taro, vendors, common) and calls App().
  jest.requireActual(path.join(WEAPP_DIR, 'app.js'))
  ;(state.app?.onLaunch as ((options: unknown) => void) | undefined)?.call(state.app, {
    path: 'pages/home/index',
    query: {},
    scene: 1001,
  })
}

/** A detached jsdom element to attach a rendered component to. */
function newParent(): unknown {
  return (
    globalThis as unknown as { document: { createElement(tag: string): unknown } }
  ).document.createElement('parent-wrapper')
}

/**
 * A native component of the build on its own, e.g. `renderComponent('native/member-code/index',
 * 'member-code', { code })`. Loaded once per test file, like pages.
 */
export function renderComponent(
  componentPath: string,
  tagName: string,
  properties: Record<string, unknown> = {},
): JComponent {
  installWeapp()
  let id = state.componentIds.get(componentPath)
  if (id === undefined) {
    id = simulate.load(path.join(WEAPP_DIR, componentPath), tagName, {
      compiler: 'official',
      rootPath: WEAPP_DIR,
    })
    state.componentIds.set(componentPath, id)
  }
  const component = simulate.render(id, properties)
  component.attach(newParent())
  return component
}

function componentIdFor(route: string): string {
  const known = state.componentIds.get(route)
  if (known !== undefined) return known
  // A page's chunk runs once per test file (webpack caches its module), so load each page once.
  const id = simulate.load(path.join(WEAPP_DIR, route), 'main', {
    compiler: 'official',
    rootPath: WEAPP_DIR,
  })
  state.componentIds.set(route, id)
  return id
}

/** Opens a built page, e.g. `openPage('pages/home/index')`, as WeChat would. */
export function openPage(route: string, query: Record<string, string> = {}): RenderedPage {
  installWeapp()
  const id = componentIdFor(route)
  const component = simulate.render(id)
  state.nextPage = { route, query }
  component.attach(newParent())
  state.nextPage = undefined
  const dom = component.dom as unknown as DomNode

  const text = () => (dom.textContent ?? '').replace(/\s+/g, ' ').trim()
  const waitFor = async (predicate: () => boolean, what: string, timeoutMs = 3000) => {
    const started = Date.now()
    while (!predicate()) {
      if (Date.now() - started > timeoutMs)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; page shows: ${text()}`,
        )
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  const find = (selector: string) => component.querySelector(selector) ?? undefined
  return {
    dom,
    find,
    findAll: (selector) => component.querySelectorAll(selector),
    textOf: (selector) => {
      const content = find(selector)?.dom?.textContent
      return content == null ? undefined : content.replace(/\s+/g, ' ').trim()
    },
    text,
    waitFor,
    waitForText: (wanted, timeoutMs) =>
      waitFor(() => text().includes(wanted), `"${wanted}"`, timeoutMs),
    async tap(elementId: string) {
      await waitFor(() => find(`#${elementId}`) !== undefined, `#${elementId}`)
      const target = find(`#${elementId}`)
      if (!target) throw new Error(`#${elementId} is not a tappable node`)
      target.dispatchEvent('tap')
      await new Promise((resolve) => setTimeout(resolve, 0))
    },
    pullDown() {
      const handler = component.instance.onPullDownRefresh as (() => void) | undefined
      if (!handler)
        throw new Error(
          `${route} has no onPullDownRefresh: is enablePullDownRefresh set in its config?`,
        )
      handler.call(component.instance)
    },
    async detach() {
      component.detach()
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5))
    },
  }
}
