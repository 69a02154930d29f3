/**
 * Renders the tab bar icons (src/assets/tab/*.png) from the SVG paths below with headless
 * Chromium. WeChat's tab bar takes only PNG/JPG files (no SVG, no icon fonts), so the PNGs are
 * committed; run this again after changing a path or a colour:
 *   node_modules/.bin/tsx miniprogram/tools/render-tab-icons.ts
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'

const INACTIVE = '#8f959e'
const ACTIVE = '#d6453d'
// 81 px is WeChat's recommended tab icon size.
const SIZE = 81

// 24×24 outline icons, 1.8 px strokes.
const ICONS: Record<string, string> = {
  home: '<path d="M3.5 10.5 12 3.5l8.5 7"/><path d="M5.5 9v11h13V9"/><path d="M10 20v-6h4v6"/>',
  points:
    '<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5l1.4 2.9 3.1.4-2.3 2.2.6 3.1L12 14.6l-2.8 1.5.6-3.1-2.3-2.2 3.1-.4z"/>',
  gifts:
    '<rect x="3.5" y="8" width="17" height="4" rx="1"/><path d="M5 12v8.5h14V12"/><path d="M12 8v12.5"/><path d="M12 8C10.5 4.5 7 4.5 7 6.5S10 8 12 8zM12 8c1.5-3.5 5-3.5 5-1.5S14 8 12 8z"/>',
  shop: '<path d="M5 7.5h14l-1 13H6z"/><path d="M9 10V6.5a3 3 0 0 1 6 0V10"/>',
  me: '<circle cx="12" cy="8" r="4"/><path d="M4.5 20.5c.8-4 3.8-6 7.5-6s6.7 2 7.5 6"/>',
}

function svg(body: string, color: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="${SIZE}" height="${SIZE}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`
}

async function main(): Promise<void> {
  const outDir = path.resolve(__dirname, '../src/assets/tab')
  mkdirSync(outDir, { recursive: true })
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE } })
    for (const [name, body] of Object.entries(ICONS)) {
      for (const [suffix, color] of [
        ['', INACTIVE],
        ['-active', ACTIVE],
      ] as const) {
        await page.setContent(
          `<html><body style="margin:0;background:transparent">${svg(body, color)}</body></html>`,
        )
        await page
          .locator('svg')
          .screenshot({ path: path.join(outDir, `${name}${suffix}.png`), omitBackground: true })
      }
    }
  } finally {
    await browser.close()
  }
}

void main()
