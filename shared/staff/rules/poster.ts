/**
 * The printed code poster HQ hands to a store, a clerk or a new clerk (pure: the code image and
 * the words in, a PNG out). Layout, 750 × 1180 px (an A6 print at 180 dpi):
 *
 *   ┌──────────────────────────┐
 *   │  brand (white on orange) │
 *   │        headline          │  the clerk's or store's name
 *   │        subline           │  the store, or what the code is for
 *   │      ┌──────────┐        │
 *   │      │   code   │        │
 *   │      └──────────┘        │
 *   │        call to action    │
 *   │        footnote          │  the code, or until when an invite works
 *   └──────────────────────────┘
 */
import type { Font } from 'opentype.js'
import { Canvas, decodePng, hexColor } from '../../platform/image/raster'
import { drawText } from '../../platform/image/text'

export const POSTER_WIDTH = 750
export const POSTER_HEIGHT = 1180
const CODE_SIZE = 460
const MARGIN = 56

export interface PosterContent {
  brand: string
  headline: string
  subline: string
  /** The mini-program code (or, locally, the sandbox's QR code) as PNG. */
  codePng: Buffer
  callToAction: string
  footnote: string
}

const ORANGE = hexColor('#c2410c')
const INK = hexColor('#1f2937')
const GREY = hexColor('#6b7280')
const WHITE = hexColor('#ffffff')
const PAPER = hexColor('#fff7ed')

export function renderPoster(font: Font, content: PosterContent): Buffer {
  const canvas = new Canvas(POSTER_WIDTH, POSTER_HEIGHT, WHITE)
  const centre = POSTER_WIDTH / 2
  const textWidth = POSTER_WIDTH - MARGIN * 2
  canvas.fillRect(0, 0, POSTER_WIDTH, 170, ORANGE)
  drawText(canvas, font, content.brand, centre, 108, {
    size: 56,
    color: WHITE,
    maxWidth: textWidth,
    align: 'center',
  })
  drawText(canvas, font, content.headline, centre, 268, {
    size: 60,
    color: INK,
    maxWidth: textWidth,
    align: 'center',
  })
  drawText(canvas, font, content.subline, centre, 330, {
    size: 32,
    color: GREY,
    maxWidth: textWidth,
    align: 'center',
  })
  const codeTop = 380
  canvas.fillRect(centre - CODE_SIZE / 2 - 20, codeTop - 20, CODE_SIZE + 40, CODE_SIZE + 40, PAPER)
  canvas.drawImage(
    decodePng(content.codePng),
    centre - CODE_SIZE / 2,
    codeTop,
    CODE_SIZE,
    CODE_SIZE,
  )
  drawText(canvas, font, content.callToAction, centre, codeTop + CODE_SIZE + 110, {
    size: 40,
    color: ORANGE,
    maxWidth: textWidth,
    align: 'center',
  })
  drawText(canvas, font, content.footnote, centre, POSTER_HEIGHT - 60, {
    size: 26,
    color: GREY,
    maxWidth: textWidth,
    align: 'center',
  })
  return canvas.toPng()
}

/** A file name for the poster inside a ZIP or a download: no path separators or reserved characters. */
export function posterFileName(...parts: string[]): string {
  return `${parts
    .map((p) => p.replace(/[\\/:*?"<>|\s]+/g, '_'))
    .filter(Boolean)
    .join('-')}.png`
}
