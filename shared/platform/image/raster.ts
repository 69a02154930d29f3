/**
 * A small RGBA canvas in pure JavaScript: filled rectangles, filled vector paths (glyph outlines,
 * anti-aliased) and scaled images. Enough to lay out a poster on the server without a native
 * canvas (CloudBase installs no native modules: the function bundles are self-contained).
 */
import { deflateSync } from 'node:zlib'
import type { PNG } from 'pngjs'
import { crc32 } from '../zip'

/**
 * pngjs, required when a PNG is first decoded: only posters do, so the functions that draw them
 * do not pay for it at cold start (scripts/build-functions.ts keeps it out of index.js).
 */
function pngjs(): { PNG: typeof PNG } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pngjs') as { PNG: typeof PNG }
}

export type Rgb = readonly [number, number, number]

/** A path as opentype.js gives glyph outlines: moves, lines, quadratic and cubic curves. */
export type PathCommand =
  | { type: 'M' | 'L'; x: number; y: number }
  | { type: 'Q'; x1: number; y1: number; x: number; y: number }
  | { type: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
  | { type: 'Z' }

interface Edge {
  x0: number
  y0: number
  x1: number
  y1: number
  /** +1 going down, -1 going up (nonzero winding). */
  dir: number
  top: number
  bottom: number
}

/** Vertical samples per pixel row; horizontal coverage is computed exactly per span. */
const SUBSAMPLES = 5
const CURVE_STEPS = 12

export function hexColor(hex: string): Rgb {
  const n = Number.parseInt(hex.replace('#', ''), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

export class Canvas {
  readonly data: Uint8Array

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 4)
    for (let i = 0; i < width * height; i++) {
      this.data[i * 4] = background[0]
      this.data[i * 4 + 1] = background[1]
      this.data[i * 4 + 2] = background[2]
      this.data[i * 4 + 3] = 255
    }
  }

  /** Blends `color` into one pixel with coverage `alpha` (0..1). */
  private blend(x: number, y: number, color: Rgb, alpha: number): void {
    if (alpha <= 0 || x < 0 || y < 0 || x >= this.width || y >= this.height) return
    const a = Math.min(1, alpha)
    const i = (y * this.width + x) * 4
    for (let c = 0; c < 3; c++)
      this.data[i + c] = Math.round(this.data[i + c]! * (1 - a) + color[c]! * a)
  }

  fillRect(x: number, y: number, w: number, h: number, color: Rgb): void {
    for (let yy = Math.max(0, Math.floor(y)); yy < Math.min(this.height, y + h); yy++)
      for (let xx = Math.max(0, Math.floor(x)); xx < Math.min(this.width, x + w); xx++)
        this.blend(xx, yy, color, 1)
  }

  /**
   * Fills a closed path with the nonzero rule. Each pixel row is sampled on SUBSAMPLES scanlines;
   * on each, the covered spans add their exact horizontal coverage, so edges are anti-aliased.
   */
  fillPath(commands: readonly PathCommand[], color: Rgb): void {
    const edges = flatten(commands)
    if (edges.length === 0) return
    let top = Infinity
    let bottom = -Infinity
    let leftmost = Infinity
    let rightmost = -Infinity
    for (const e of edges) {
      top = Math.min(top, e.y0, e.y1)
      bottom = Math.max(bottom, e.y0, e.y1)
      leftmost = Math.min(leftmost, e.x0, e.x1)
      rightmost = Math.max(rightmost, e.x0, e.x1)
    }
    const xFrom = Math.max(0, Math.floor(leftmost))
    const xTo = Math.min(this.width - 1, Math.ceil(rightmost))
    const y0 = Math.max(0, Math.floor(top))
    const y1 = Math.min(this.height - 1, Math.ceil(bottom))
    const coverage = new Float32Array(this.width + 1)
    const xs = new Float64Array(edges.length)
    const dirs = new Int8Array(edges.length)
    for (let y = y0; y <= y1; y++) {
      coverage.fill(0, xFrom, xTo + 2)
      let any = false
      for (let s = 0; s < SUBSAMPLES; s++) {
        const sy = y + (s + 0.5) / SUBSAMPLES
        let n = 0
        for (const e of edges) {
          if (sy < e.top || sy >= e.bottom) continue
          const x = e.x0 + ((sy - e.y0) / (e.y1 - e.y0)) * (e.x1 - e.x0)
          // Insertion sort as they come: a glyph row crosses a handful of edges.
          let k = n++
          while (k > 0 && xs[k - 1]! > x) {
            xs[k] = xs[k - 1]!
            dirs[k] = dirs[k - 1]!
            k--
          }
          xs[k] = x
          dirs[k] = e.dir
        }
        let winding = 0
        for (let k = 0; k < n - 1; k++) {
          winding += dirs[k]!
          if (winding === 0) continue
          addSpan(coverage, xs[k]!, xs[k + 1]!, 1 / SUBSAMPLES, this.width)
          any = true
        }
      }
      if (!any) continue
      for (let x = 0; x < this.width; x++)
        if (coverage[x]! > 0) this.blend(x, y, color, coverage[x]!)
    }
  }

  /** Draws an RGBA image scaled into the rectangle (bilinear), blending by its alpha. */
  drawImage(
    src: { width: number; height: number; data: Buffer | Uint8Array },
    dx: number,
    dy: number,
    dw: number,
    dh: number,
  ): void {
    const { width: sw, height: sh, data } = src
    const left = Math.round(dx)
    const top = Math.round(dy)
    for (let y = 0; y < dh; y++) {
      const fy = Math.max(0, ((y + 0.5) * sh) / dh - 0.5)
      const y0 = Math.min(sh - 1, Math.floor(fy))
      const y1 = Math.min(sh - 1, y0 + 1)
      const wy = fy - y0
      for (let x = 0; x < dw; x++) {
        const fx = Math.max(0, ((x + 0.5) * sw) / dw - 0.5)
        const x0 = Math.min(sw - 1, Math.floor(fx))
        const x1 = Math.min(sw - 1, x0 + 1)
        const wx = fx - x0
        const i00 = (y0 * sw + x0) * 4
        const i10 = (y0 * sw + x1) * 4
        const i01 = (y1 * sw + x0) * 4
        const i11 = (y1 * sw + x1) * 4
        const w00 = (1 - wx) * (1 - wy)
        const w10 = wx * (1 - wy)
        const w01 = (1 - wx) * wy
        const w11 = wx * wy
        const alpha =
          (data[i00 + 3]! * w00 +
            data[i10 + 3]! * w10 +
            data[i01 + 3]! * w01 +
            data[i11 + 3]! * w11) /
          255
        const px = left + x
        const py = top + y
        if (alpha <= 0 || px < 0 || py < 0 || px >= this.width || py >= this.height) continue
        const i = (py * this.width + px) * 4
        for (let c = 0; c < 3; c++) {
          const v =
            data[i00 + c]! * w00 +
            data[i10 + c]! * w10 +
            data[i01 + c]! * w01 +
            data[i11 + c]! * w11
          this.data[i + c] = Math.round(this.data[i + c]! * (1 - alpha) + v * alpha)
        }
      }
    }
  }

  /**
   * PNG, RGB, every row filtered "Up" (suits the code's blocks and the flat areas) and deflated by
   * zlib: one pass, no per-row filter search.
   */
  toPng(): Buffer {
    const { width, height, data } = this
    const stride = width * 3
    const raw = Buffer.alloc((stride + 1) * height)
    for (let y = 0; y < height; y++) {
      const out = y * (stride + 1)
      raw[out] = 2
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4
        const above = i - width * 4
        for (let c = 0; c < 3; c++)
          raw[out + 1 + x * 3 + c] = (data[i + c]! - (y > 0 ? data[above + c]! : 0)) & 255
      }
    }
    const header = Buffer.alloc(13)
    header.writeUInt32BE(width, 0)
    header.writeUInt32BE(height, 4)
    header[8] = 8 // bits per channel
    header[9] = 2 // RGB
    return Buffer.concat([
      PNG_SIGNATURE,
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', Buffer.alloc(0)),
    ])
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'ascii')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

/** Any PNG (palette, grey, alpha, interlaced) as RGBA. */
export function decodePng(bytes: Buffer): { width: number; height: number; data: Uint8Array } {
  const png = pngjs().PNG.sync.read(bytes)
  // A plain typed array: indexed reads of a Buffer subclass are far slower in some hosts (jest's).
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) }
}

/** Adds `weight` × the part of each pixel column that lies between xa and xb. */
function addSpan(coverage: Float32Array, xa: number, xb: number, weight: number, width: number) {
  const a = Math.max(0, xa)
  const b = Math.min(width, xb)
  if (b <= a) return
  const ia = Math.floor(a)
  const ib = Math.floor(b)
  if (ia === ib) {
    coverage[ia]! += (b - a) * weight
    return
  }
  coverage[ia]! += (ia + 1 - a) * weight
  for (let x = ia + 1; x < ib; x++) coverage[x]! += weight
  if (ib < width) coverage[ib]! += (b - ib) * weight
}

/** The path as straight edges (curves subdivided), each closed contour closed. */
function flatten(commands: readonly PathCommand[]): Edge[] {
  const edges: Edge[] = []
  let sx = 0
  let sy = 0
  let cx = 0
  let cy = 0
  const line = (x: number, y: number) => {
    if (y !== cy)
      edges.push({
        x0: cx,
        y0: cy,
        x1: x,
        y1: y,
        dir: y > cy ? 1 : -1,
        top: Math.min(y, cy),
        bottom: Math.max(y, cy),
      })
    cx = x
    cy = y
  }
  for (const c of commands) {
    switch (c.type) {
      case 'M':
        if (cx !== sx || cy !== sy) line(sx, sy)
        sx = cx = c.x
        sy = cy = c.y
        break
      case 'L':
        line(c.x, c.y)
        break
      case 'Q': {
        const [px, py] = [cx, cy]
        for (let i = 1; i <= CURVE_STEPS; i++) {
          const t = i / CURVE_STEPS
          const u = 1 - t
          line(
            u * u * px + 2 * u * t * c.x1 + t * t * c.x,
            u * u * py + 2 * u * t * c.y1 + t * t * c.y,
          )
        }
        break
      }
      case 'C': {
        const [px, py] = [cx, cy]
        for (let i = 1; i <= CURVE_STEPS; i++) {
          const t = i / CURVE_STEPS
          const u = 1 - t
          line(
            u * u * u * px + 3 * u * u * t * c.x1 + 3 * u * t * t * c.x2 + t * t * t * c.x,
            u * u * u * py + 3 * u * u * t * c.y1 + 3 * u * t * t * c.y2 + t * t * t * c.y,
          )
        }
        break
      }
      case 'Z':
        line(sx, sy)
        break
    }
  }
  if (cx !== sx || cy !== sy) line(sx, sy)
  return edges
}
