/**
 * Text → QR code layout, shared by both member-code renderers (the native WeChat component and
 * the H5 React one) so they draw the same symbol.
 *
 * The symbol is drawn with plain boxes, not a canvas: it renders identically on both targets,
 * in miniprogram-simulate, and needs no canvas node lookup. Dark modules in a row are merged into
 * runs, which keeps a typical member code to a few hundred boxes.
 */

interface QrSymbol {
  modules: { size: number; data: ArrayLike<number> }
}
interface QrCore {
  create(
    data: Array<{ data: string | number[]; mode: string }>,
    options: { errorCorrectionLevel: string },
  ): QrSymbol
}
// The encoder core only (no renderers, no Node streams). A plain require keeps this file free of
// ambient module declarations, so it type-checks in the app and in the repo's Node tests alike.
const QRCode: QrCore = require('qrcode/lib/core/qrcode')

/** A horizontal stretch of dark modules: starts at column `x`, `w` modules wide. */
export interface QrRun {
  x: number
  w: number
}

export interface QrPattern {
  /** Modules per side. */
  size: number
  /** One entry per module row, top to bottom. */
  rows: QrRun[][]
}

const NUMERIC = /^[0-9]+$/
const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]+$/

function utf8Bytes(text: string): number[] {
  // encodeURIComponent gives UTF-8 as %XX escapes; the WeChat JS engine has no TextEncoder.
  const bytes: number[] = []
  const escaped = encodeURIComponent(text)
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] === '%') {
      bytes.push(parseInt(escaped.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(escaped.charCodeAt(i))
    }
  }
  return bytes
}

/** Smallest QR symbol for `text` at error-correction level M (survives a scuffed screen). */
export function qrPattern(text: string): QrPattern {
  // Explicit segments: the library's own string path would use TextEncoder for bytes.
  const segment = NUMERIC.test(text)
    ? { data: text, mode: 'numeric' }
    : ALPHANUMERIC.test(text)
      ? { data: text, mode: 'alphanumeric' }
      : { data: utf8Bytes(text), mode: 'byte' }
  const { size, data } = QRCode.create([segment], { errorCorrectionLevel: 'M' }).modules
  const rows: QrRun[][] = []
  for (let y = 0; y < size; y++) {
    const runs: QrRun[] = []
    let start = -1
    for (let x = 0; x <= size; x++) {
      const dark = x < size && data[y * size + x] === 1
      if (dark && start < 0) start = x
      if (!dark && start >= 0) {
        runs.push({ x: start, w: x - start })
        start = -1
      }
    }
    rows.push(runs)
  }
  return { size, rows }
}

/** Whether the module at (x, y) is dark; for tests and for anyone checking a layout. */
export function isDark(pattern: QrPattern, x: number, y: number): boolean {
  return (pattern.rows[y] ?? []).some((run) => x >= run.x && x < run.x + run.w)
}

export interface QrBoxRow {
  key: number
  top: string
  height: string
  runs: Array<{ key: number; left: string; width: string }>
}

/**
 * Percent positions for absolutely placed boxes inside a square. Rows overlap by a hair so no
 * seam shows between them when a percentage lands between device pixels.
 */
export function qrLayout(pattern: QrPattern): QrBoxRow[] {
  const unit = 100 / pattern.size
  const pct = (n: number) => `${Number(n.toFixed(4))}%`
  return pattern.rows.map((runs, y) => ({
    key: y,
    top: pct(y * unit),
    height: pct(unit * 1.02),
    runs: runs.map((run) => ({ key: run.x, left: pct(run.x * unit), width: pct(run.w * unit) })),
  }))
}
