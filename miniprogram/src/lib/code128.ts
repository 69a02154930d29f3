/**
 * Code 128, code set C (pairs of digits), for the member code's barcode. Pure: the page draws the
 * returned bar widths with views, so the same barcode renders on WeChat and H5.
 */

/** Module widths (bar, space, bar, space, bar, space) of symbol values 0..106; 106 is STOP (7 elements). */
const PATTERNS: readonly string[] = [
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
  '2331112',
]

export const START_C = 105
export const STOP = 106
/** Light margin each side, in modules (the standard asks for at least 10). */
export const QUIET_ZONE = 10

export interface Code128 {
  /** Symbol values: START C, data pairs, checksum, STOP. */
  symbols: number[]
  /** Alternating bar/space widths in modules, starting with a bar (no quiet zone). */
  widths: number[]
  /** Total modules, quiet zones included. */
  modules: number
}

/** Encodes an even-length string of digits in code set C. Throws on anything else. */
export function encodeCode128C(digits: string): Code128 {
  if (!/^(\d\d)+$/.test(digits)) throw new Error('Code 128 C needs an even number of digits')
  const data: number[] = []
  for (let i = 0; i < digits.length; i += 2) data.push(Number(digits.slice(i, i + 2)))
  const checksum = data.reduce((sum, value, index) => sum + value * (index + 1), START_C) % 103
  const symbols = [START_C, ...data, checksum, STOP]
  const widths = symbols.flatMap((symbol) => [...(PATTERNS[symbol] ?? '')].map(Number))
  return { symbols, widths, modules: widths.reduce((a, b) => a + b, 0) + 2 * QUIET_ZONE }
}

/**
 * Reads bar/space widths back into digits (what a scanner does); undefined when the widths are
 * not a valid code-set-C symbol with a correct checksum. Used by the tests.
 */
export function decodeCode128C(widths: readonly number[]): string | undefined {
  const symbols: number[] = []
  let i = 0
  while (i < widths.length) {
    const rest = widths.length - i
    const size = rest === 7 ? 7 : 6
    const pattern = widths.slice(i, i + size).join('')
    const value = PATTERNS.indexOf(pattern)
    if (value < 0) return undefined
    symbols.push(value)
    i += size
  }
  if (symbols.length < 3 || symbols[0] !== START_C || symbols[symbols.length - 1] !== STOP)
    return undefined
  const data = symbols.slice(1, -2)
  const checksum = symbols[symbols.length - 2]
  if (data.some((v) => v > 99)) return undefined
  if (data.reduce((sum, value, index) => sum + value * (index + 1), START_C) % 103 !== checksum)
    return undefined
  return data.map((v) => String(v).padStart(2, '0')).join('')
}

/** Bars only, as [offset, width] in modules from the left edge of the quiet zone, for drawing. */
export function barsOf(code: Code128): Array<[number, number]> {
  const bars: Array<[number, number]> = []
  let x = QUIET_ZONE
  code.widths.forEach((width, index) => {
    if (index % 2 === 0) bars.push([x, width])
    x += width
  })
  return bars
}
