/**
 * Prints the collections and indexes that production needs, from shared/db/collections.ts:
 * `npm run indexes` (markdown table, as in README), `-- --json`, or `-- --write-readme`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ALL_COLLECTIONS } from '../shared/collections'

export function indexTableMarkdown(): string {
  const rows = [
    '| collection | index name | fields (ascending) | unique |',
    '| --- | --- | --- | --- |',
  ]
  for (const coll of ALL_COLLECTIONS) {
    if (coll.indexes.length === 0) rows.push(`| \`${coll.name}\` | (only \`_id\`) | | |`)
    for (const index of coll.indexes) {
      rows.push(
        `| \`${coll.name}\` | \`${index.name}\` | ${index.fields.map((f) => `\`${f}\``).join(', ')} | ${index.unique ? 'yes' : ''} |`,
      )
    }
  }
  return rows.join('\n')
}

/** Rewrites the table between the README's index markers (`npm run indexes -- --write-readme`). */
export function writeReadmeTable(): void {
  const file = path.join(__dirname, '..', 'README.md')
  const readme = readFileSync(file, 'utf8')
  const start = readme.indexOf('<!-- indexes:start')
  const end = readme.indexOf('<!-- indexes:end')
  if (start < 0 || end < 0) throw new Error('README.md has no indexes markers')
  const afterStartComment = readme.indexOf('-->', start) + 3
  writeFileSync(
    file,
    `${readme.slice(0, afterStartComment)}\n${indexTableMarkdown()}\n${readme.slice(end)}`,
  )
}

if (require.main === module) {
  if (process.argv.includes('--write-readme')) writeReadmeTable()
  else if (process.argv.includes('--json'))
    process.stdout.write(`${JSON.stringify(ALL_COLLECTIONS, null, 2)}\n`)
  else process.stdout.write(`${indexTableMarkdown()}\n`)
}
