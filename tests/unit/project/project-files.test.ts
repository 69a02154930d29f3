/** The project's own promises about itself: README, CI, manifest and index declarations agree. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { checkManifest, readManifest } from '../../../scripts/build-functions'
import { indexTableMarkdown } from '../../../scripts/print-indexes'
import { refuseUndeployableIndexes } from '../../../scripts/local-cloud/gateway/indexes'
import { ALL_COLLECTIONS } from '../../../shared/collections'

const root = path.resolve(__dirname, '..', '..', '..')
const read = (file: string) => readFileSync(path.join(root, file), 'utf8')

describe('project files', () => {
  it('README starts with the two commands a newcomer runs', () => {
    const firstBlock = read('README.md').split('```')[1] ?? ''
    expect(firstBlock).toContain('npm install && npm start')
    expect(firstBlock).toContain('npm install && npm test')
  })

  it('.ci/run is the README test command: npm install, then npm test, and no apt-get', () => {
    const commands = read('.ci/run')
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter((line) => line !== '' && !line.startsWith('set ') && !line.startsWith('cd '))
    expect(commands.join('\n')).not.toMatch(/apt-get|apt install|\bapt\b/)
    expect(commands).toEqual(['npm install --no-audit --no-fund', 'npm test'])
  })

  it('the end-to-end browser and its CJK font come from npm, not from the system', () => {
    const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }
    expect(pkg.devDependencies).toHaveProperty(['@sparticuz/chromium'])
    expect(pkg.devDependencies).toHaveProperty(['@embedpdf/fonts-sc'])
    expect(read('tests/support/browser.ts')).not.toContain('/usr/bin/chromium')
  })

  it('cloudbaserc.json declares exactly the folders in cloudfunctions/', () => {
    expect(() => checkManifest(readManifest())).not.toThrow()
  })

  it("README's index table is the one shared/db/collections.ts declares", () => {
    const readme = read('README.md')
    const table = readme
      .split('<!-- indexes:start')[1]
      ?.split('-->')[1]
      ?.split('<!-- indexes:end')[0]
      ?.trim()
    // Prettier pads the README's cells; compare the cells, not the padding.
    const cells = (markdown: string | undefined) =>
      (markdown ?? '')
        .split('\n')
        .map((line) =>
          line
            .split('|')
            .map((cell) => cell.trim().replace(/^-+$/, '---'))
            .join('|'),
        )
        .join('\n')
    expect(cells(table)).toBe(cells(indexTableMarkdown()))
  })

  it('every declared index can be created in the console as declared: name, fields, unique; no sparse', () => {
    const extra = ALL_COLLECTIONS.flatMap((c) =>
      c.indexes.flatMap((i) =>
        Object.keys(i)
          .filter((key) => !['name', 'fields', 'unique'].includes(key))
          .map((key) => `${c.name}.${i.name}.${key}`),
      ),
    )
    expect(extra).toEqual([])
    for (const spec of ALL_COLLECTIONS) expect(() => refuseUndeployableIndexes(spec)).not.toThrow()
    expect(() =>
      refuseUndeployableIndexes({
        name: 'x',
        indexes: [{ name: 'y', fields: ['y'], unique: true, sparse: true } as never],
      }),
    ).toThrow(/declares sparse/)
  })

  it('project.config.json points the WeChat IDE at the builds', () => {
    const config = JSON.parse(read('project.config.json')) as {
      miniprogramRoot: string
      cloudfunctionRoot: string
    }
    expect(config.miniprogramRoot).toBe('miniprogram/dist/weapp/')
    expect(config.cloudfunctionRoot).toBe('dist/cloudfunctions/')
  })
})
