import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'
import { zodEnglishOnly, LAZY_PACKAGES } from './build-functions'
async function main() {
  for (const name of ['ping', 'member', 'staff', 'admin', 'chat', 'pay', 'shop', 'points', 'jobs']) {
    const out = `/tmp/h3/c-${name}/index.js`
    await build({ entryPoints: [path.resolve('cloudfunctions', name, 'index.ts')], outfile: out, bundle: true, platform: 'node', target: 'node18', format: 'cjs', mainFields: ['module', 'main'], define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent', plugins: [zodEnglishOnly, { name: 'ext', setup(b) { b.onResolve({ filter: new RegExp(`^(${LAZY_PACKAGES.join('|').replace(/\./g, '\\.')})$`) }, (a) => ({ path: a.path, external: true })) } }] })
    const s = readFileSync(out, 'utf8').replace('  function _2(def) {\n', '  function _2(def) {\n    globalThis.__zc=(globalThis.__zc||0)+1;\n')
    writeFileSync(out, s)
    console.log(name, execFileSync(process.execPath, ['-e', `require(${JSON.stringify(out)});process.stdout.write(String(globalThis.__zc))`], { encoding: 'utf8' }))
  }
}
main()
