/**
 * Reading a CSV file HQ picked, in the browser (or Node), before it is sent: Excel saves "CSV
 * UTF-8" with a BOM, but its plain "CSV" on a Chinese Windows is GBK, and "Unicode text" is
 * UTF-16. UTF-8 is tried first and strictly (GBK bytes are almost never valid UTF-8, so a valid
 * decode is the right one); otherwise the bytes are read as GBK (GB18030, its superset), which
 * `TextDecoder` knows in browsers and in Node built with ICU.
 */

export type CsvEncoding = 'utf-8' | 'gbk'

export class CsvDecodeError extends Error {}

/** The largest CSV file the console sends: the function's 1 MB request limit less room for JSON. */
export const MAX_CSV_FILE_BYTES = 800 * 1024

export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new CsvDecodeError(
      '文件是 UTF-16 编码（Excel「Unicode 文本」），请在 Excel 中另存为「CSV UTF-8（逗号分隔）」',
    )
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return { text: text.startsWith('\uFEFF') ? text.slice(1) : text, encoding: 'utf-8' }
  } catch {
    /* not UTF-8: try GBK */
  }
  try {
    return { text: new TextDecoder('gbk', { fatal: true }).decode(bytes), encoding: 'gbk' }
  } catch {
    throw new CsvDecodeError(
      '无法识别文件编码（既不是 UTF-8 也不是 GBK），请在 Excel 中另存为「CSV UTF-8（逗号分隔）」',
    )
  }
}

/** `1.2 MB`, `640 KB`: a size as the console states limits. */
export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`
}

/**
 * Why a picked file cannot be imported as it is, before anything is sent (null: it can). The
 * size first, so a 5 MB file is refused at once with its size and the limit.
 */
export function csvFileProblem(size: number): string | null {
  if (size === 0) return '文件是空的'
  if (size > MAX_CSV_FILE_BYTES)
    return `文件 ${formatBytes(size)}，超过 ${formatBytes(MAX_CSV_FILE_BYTES)} 的上限：请拆成几个文件分别导入`
  return null
}
