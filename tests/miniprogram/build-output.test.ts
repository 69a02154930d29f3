/**
 * The built packages themselves: what WeChat and the browser download.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import {
  H5_DIR,
  H5_FIRST_LOAD_JS_TARGET_BYTES,
  MAIN_PACKAGE_TARGET_BYTES,
  measureH5FirstLoad,
  measureWeapp,
} from '../../scripts/bench/miniprogram-size'
import { assertWeappBuilt, WEAPP_DIR } from './harness/weapp'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  )
}

function assertH5Built(): void {
  if (!existsSync(path.join(H5_DIR, 'index.html'))) {
    throw new Error(
      'miniprogram/dist/h5 is missing: build it with `node_modules/.bin/tsx scripts/build-miniprogram.ts h5` (`npm test` builds it first).',
    )
  }
}

describe('WeChat package', () => {
  beforeAll(assertWeappBuilt)

  it('declares the tab bar, the pages and the staff subpackage', () => {
    const app = JSON.parse(readFileSync(path.join(WEAPP_DIR, 'app.json'), 'utf8')) as {
      pages: string[]
      subPackages: Array<{ root: string; pages: string[] }>
      tabBar: {
        list: Array<{ pagePath: string; text: string; iconPath: string; selectedIconPath: string }>
      }
    }
    expect(app.pages[0]).toBe('pages/home/index')
    expect(app.tabBar.list.map((tab) => tab.text)).toEqual(['首页', '积分', '礼品', '商城', '我的'])
    for (const tab of app.tabBar.list) {
      expect(existsSync(path.join(WEAPP_DIR, tab.iconPath))).toBe(true)
      expect(existsSync(path.join(WEAPP_DIR, tab.selectedIconPath))).toBe(true)
    }
    expect(app.subPackages).toEqual([
      {
        root: 'staff',
        name: 'staff',
        pages: [
          'home/index',
          'invite/index',
          'members/index',
          'record-sale/index',
          'verify-pickup/index',
          'member-detail/index',
          'my-code/index',
          'performance/index',
          'inbox/index',
          'chat/index',
          'campaigns/index',
        ],
      },
    ])
    for (const page of [
      ...app.pages,
      ...app.subPackages.flatMap((pkg) => pkg.pages.map((p) => `${pkg.root}/${p}`)),
    ]) {
      for (const ext of ['js', 'json', 'wxml'])
        expect(existsSync(path.join(WEAPP_DIR, `${page}.${ext}`))).toBe(true)
    }
  })

  it('contains no trace of the H5 persona switcher or the local stack', () => {
    const offending = filesUnder(WEAPP_DIR)
      .filter((file) => /\.(js|wxml|json|wxss)$/.test(file))
      .filter((file) =>
        /dev\/personas|x-openid|persona|切换本地身份/.test(readFileSync(file, 'utf8')),
      )
    expect(offending).toEqual([])
  })

  it("contains no trace of the local stack's pay sandbox (H5 pays with 模拟支付)", () => {
    const offending = filesUnder(WEAPP_DIR)
      .filter((file) => /\.(js|wxml)$/.test(file))
      .filter((file) => /sandbox\/pay|模拟支付/.test(readFileSync(file, 'utf8')))
    expect(offending).toEqual([])
  })

  it('keeps staff pages out of the main package', () => {
    const mainFiles = filesUnder(WEAPP_DIR).filter(
      (file) => !file.startsWith(path.join(WEAPP_DIR, 'staff') + path.sep),
    )
    const staffOnly = ['店员工作台', '核销自提', '接受邀请', '总部模板']
    const leaking = mainFiles
      .filter(
        (file) =>
          file.endsWith('.js') && !file.includes(`${path.sep}pages${path.sep}me${path.sep}`),
      )
      .filter((file) => {
        const text = readFileSync(file, 'utf8')
        return staffOnly.some((words) => text.includes(words))
      })
    expect(leaking.map((file) => path.relative(WEAPP_DIR, file))).toEqual([])
  })

  it(`keeps the main package under ${MAIN_PACKAGE_TARGET_BYTES / 1024} KB`, () => {
    const sizes = measureWeapp(WEAPP_DIR)
    expect(sizes.mainBytes).toBeLessThan(MAIN_PACKAGE_TARGET_BYTES)
    expect(sizes.subpackages.map((pkg) => pkg.root)).toEqual(['staff'])
  })
})

describe('H5 build', () => {
  beforeAll(assertH5Built)

  it('is served from the root with stable file names', () => {
    const html = readFileSync(path.join(H5_DIR, 'index.html'), 'utf8')
    expect(html).toMatch(/<script defer="defer" src="\/js\/app\.js"><\/script>/)
    expect(html).toContain('<title>会员中心</title>')
  })

  it(`loads the home page with under ${H5_FIRST_LOAD_JS_TARGET_BYTES / 1024} KB of gzip JavaScript`, () => {
    const firstLoad = measureH5FirstLoad(H5_DIR)
    expect(firstLoad.js).toContain('js/app.js')
    expect(firstLoad.jsGzipBytes).toBeLessThan(H5_FIRST_LOAD_JS_TARGET_BYTES)
  })
})
