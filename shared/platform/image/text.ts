/**
 * Text on a `Canvas` from a real font (opentype.js parses it; glyph outlines are filled by the
 * canvas), so posters can carry Chinese names without a native canvas or system fonts.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Font, parse } from 'opentype.js'
import type { Canvas, PathCommand, Rgb } from './raster'

/**
 * The font a function bundle carries next to its `index.js` (scripts/build-functions.ts copies
 * it into the functions that draw posters): Noto Sans SC, which covers GB 18030's common
 * characters. From sources (tests, scripts) it is read from the npm package.
 */
export const POSTER_FONT_FILE = 'poster-font.otf'
export const POSTER_FONT_SOURCE = path.join(
  'node_modules',
  '@embedpdf',
  'fonts-sc',
  'fonts',
  'NotoSansHans-Medium.otf',
)

let loaded: Font | undefined

/**
 * opentype.js, required with the font on the first poster: the functions that draw posters do not
 * pay for it at cold start (scripts/build-functions.ts keeps it out of index.js).
 */
function opentype(): { parse: typeof parse } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('opentype.js') as { parse: typeof parse }
}

export function posterFont(): Font {
  if (loaded) return loaded
  const candidates = [
    path.join(__dirname, POSTER_FONT_FILE),
    path.resolve(__dirname, '..', '..', '..', POSTER_FONT_SOURCE),
    path.join(process.cwd(), POSTER_FONT_SOURCE),
  ]
  const file = candidates.find((f) => existsSync(f))
  if (!file) throw new Error(`poster font not found (looked in ${candidates.join(', ')})`)
  const bytes = readFileSync(file)
  // lowMemory: glyphs are parsed when first drawn, not all 30,000 at load.
  loaded = opentype().parse(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    {
      lowMemory: true,
    },
  )
  return loaded
}

export interface TextStyle {
  size: number
  color: Rgb
  /** Shrinks the text to fit this width (a long store name stays on one line, never cropped). */
  maxWidth?: number
  align?: 'left' | 'center'
}

/** Width of `text` at `size` pixels. */
export function measure(font: Font, text: string, size: number): number {
  return font.getAdvanceWidth(text, size)
}

/** Draws one line with its baseline at `y`; `x` is the left edge or the centre. Returns the size used. */
export function drawText(
  canvas: Canvas,
  font: Font,
  text: string,
  x: number,
  y: number,
  style: TextStyle,
): number {
  let size = style.size
  if (style.maxWidth) {
    const width = measure(font, text, size)
    if (width > style.maxWidth) size = Math.max(8, Math.floor((size * style.maxWidth) / width))
  }
  const width = measure(font, text, size)
  const left = style.align === 'center' ? x - width / 2 : x
  // Glyph by glyph: each fill scans only its own few edges.
  for (const glyph of font.getPaths(text, left, y, size))
    canvas.fillPath(glyph.commands as PathCommand[], style.color)
  return size
}
