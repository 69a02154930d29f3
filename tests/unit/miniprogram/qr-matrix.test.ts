import QRCode from 'qrcode'
import { isDark, qrLayout, qrPattern } from '../../../miniprogram/src/lib/qr-matrix'

// The reference: the library's own module matrix, produced through its ordinary API.
/** `bytes`: compare against one byte segment of Node's UTF-8, instead of the library's own split. */
function expectSameSymbol(text: string, bytes = false): void {
  const data = bytes
    ? [{ data: new Uint8Array(Buffer.from(text, 'utf8')), mode: 'byte' as const }]
    : text
  const reference = QRCode.create(data, { errorCorrectionLevel: 'M' }).modules
  const pattern = qrPattern(text)
  expect(pattern.size).toBe(reference.size)
  for (let y = 0; y < pattern.size; y++) {
    for (let x = 0; x < pattern.size; x++) {
      if (isDark(pattern, x, y) !== (reference.get(y, x) === 1))
        throw new Error(`module (${x},${y}) differs for ${text}`)
    }
  }
}

describe('QR layout for the member code', () => {
  it('encodes a 20-digit member code into the same symbol as the qrcode library', () => {
    expectSameSymbol('12345678901234567890')
    expect(qrPattern('12345678901234567890').size).toBe(21) // version 1: fits numeric mode
  })

  it('encodes other text the same way too', () => {
    expectSameSymbol('MEMBER-CODE:42')
    expectSameSymbol('https://example.com/m?c=abc')
  })

  it('encodes UTF-8 without TextEncoder (absent in WeChat’s JS engine)', () => {
    const globals = globalThis as { TextEncoder?: unknown }
    const saved = globals.TextEncoder
    delete globals.TextEncoder
    try {
      expect(() => qrPattern('会员码 123')).not.toThrow()
    } finally {
      globals.TextEncoder = saved
    }
    expectSameSymbol('会员码 123', true)
  })

  it('merges dark modules into runs: the three finder patterns start with 7-wide runs', () => {
    const { rows, size } = qrPattern('12345678901234567890')
    expect(rows[0]?.[0]).toEqual({ x: 0, w: 7 })
    expect(rows[0]?.[rows[0].length - 1]).toEqual({ x: size - 7, w: 7 })
    expect(rows[size - 1]?.[0]).toEqual({ x: 0, w: 7 })
    for (const row of rows) {
      for (let i = 1; i < row.length; i++) {
        const before = row[i - 1]!
        expect(row[i]!.x).toBeGreaterThan(before.x + before.w) // runs never touch: they would have merged
      }
    }
  })

  it('lays boxes out in percent of the square', () => {
    const pattern = qrPattern('12345678901234567890')
    const layout = qrLayout(pattern)
    expect(layout).toHaveLength(21)
    expect(layout[0]).toMatchObject({ key: 0, top: '0%', height: '4.8571%' })
    expect(layout[0]?.runs[0]).toEqual({ key: 0, left: '0%', width: '33.3333%' })
    expect(layout[20]?.top).toBe('95.2381%')
  })

  it('refuses text longer than any QR symbol holds', () => {
    expect(() => qrPattern('9'.repeat(8000))).toThrow()
  })
})
