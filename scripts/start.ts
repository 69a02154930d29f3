/**
 * `npm start`: builds whatever is missing or stale (the function bundles, the HQ console, the H5
 * mini-program; scripts/builds.ts, each skipped when its inputs are unchanged), then runs the
 * whole local stack with demo data on http://127.0.0.1:${PORT:-8787}, data in ${DATA_DIR:-.data}.
 * A failed build stops here, with its own error, before anything is served. Ctrl-C stops it cleanly.
 */
import path from 'node:path'
import { readManifest } from './build-functions'
import { BuildFailed, buildAll } from './builds'
import { startLocalStack } from './local-cloud/stack'
import { installRequestLog } from './local-cloud/request-log'

const root = path.resolve(__dirname, '..')

async function main() {
  await buildAll()
  const stack = await startLocalStack({
    port: Number(process.env.PORT ?? 8787),
    dataDir: path.resolve(root, process.env.DATA_DIR ?? '.data'),
    seed: true,
    timers: true,
  })
  const lines = [
    '',
    `  Local stack running on ${stack.url}  (data: ${stack.dataDir})`,
    '',
    `  Mini-program (H5)  ${stack.url}/   (open this; the pill in the title bar switches persona)`,
    `  Bind from a code   ${stack.url}/?scene=<scene>   (scenes: /dev/personas → codes[].h5Path)`,
    `  HQ console         ${stack.url}/admin/`,
    `  Functions          POST ${stack.url}/fn/<name>   (${readManifest()
      .map((f) => f.name)
      .join(', ')})`,
    `  Demo identities    ${stack.url}/dev/personas`,
    `  WeChat Pay sandbox POST ${stack.url}/sandbox/pay/<out_trade_no>   (verification: ${process.env.PAY_VERIFICATION === 'certificate' ? 'platform certificate' : 'WeChat Pay public key'})`,
    `  Health             ${stack.url}/health`,
    stack.adminPassword
      ? `  Console sign-in    admin / ${stack.adminPassword}${process.env.ADMIN_PASSWORD ? '  (from ADMIN_PASSWORD)' : '  (generated; set ADMIN_PASSWORD to choose)'}`
      : '  Console sign-in    admin / (unchanged; set ADMIN_PASSWORD to reset it)',
    `  Request log        one line per call below; full JSON lines in ${path.join(stack.dataDir, 'requests.log')}`,
    '',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  installRequestLog(stack.dataDir)
  const stop = () => {
    process.stdout.write('\n  stopping…\n')
    void stack.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  process.stderr.write(
    err instanceof BuildFailed
      ? `\n✗ ${err.message}\n  Nothing was started; fix the error and run npm start again.\n`
      : `${(err as Error).stack ?? err}\n`,
  )
  process.exit(1)
})
