/**
 * The one CSV writer for every file the product writes (the settlement export, the imported
 * clerks' invite list): for Excel, UTF-8 with a BOM (so Chinese headers open right), CRLF line
 * ends, RFC 4180 quoting (a cell with a comma, a quote or a line break is quoted, quotes doubled).
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
 * `-` or `@` as a formula (and a leading tab or carriage return can hide one), so a clerk named
 * `=cmd|' /C calc'!A0` would run on HQ's machine. Every text cell that starts with one of those is
 * written with a single quote in front, which Excel shows as text and does not run.
 *
 * The rule for numbers, deliberately: a JavaScript `number` is a figure the product computed and
 * is written as is (`-12` is a number, not a formula). Amounts the product formats as decimal text
 * (`fenToYuan` → `-12.50`) go through `csvNumber`, which accepts only `-?digits[.digits]` and
 * throws on anything else, so user text can never pass as a number. Every other string is text
 * and is neutralised, whoever wrote it.
 */

/** A decimal the product formatted itself (e.g. yuan with two decimals), written unquoted. */
export class CsvNumber {
  constructor(readonly text: string) {
    if (!/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a decimal number: ${text}`)
  }
}

export const csvNumber = (text: string): CsvNumber => new CsvNumber(text)

export type CsvCell = string | number | CsvNumber

/** The characters that make a spreadsheet read a cell as a formula when it starts with them. */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/

/** Text as a spreadsheet must show it: a leading formula trigger gets a single quote in front. */
export function neutralise(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text
}

function quoted(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** One cell as written: numbers as they are, text neutralised and quoted when it needs it. */
export function csvCell(value: CsvCell): string {
  if (value instanceof CsvNumber) return value.text
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`)
    return String(value)
  }
  return quoted(neutralise(value))
}

/** A whole file: BOM, the header row, the rows, CRLF after every row. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`
}
