/**
 * `npm start`: bundles the functions, then runs the whole local stack with demo data on
 * http://127.0.0.1:${PORT:-8787}, data in ${DATA_DIR:-.data}. Ctrl-C stops it cleanly.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { buildConsole } from './build-console'
import { buildFunctions } from './build-functions'
import { startLocalStack } from './local-cloud/stack'

const root = path.resolve(__dirname, '..')

async function main() {
  const built = await buildFunctions()
  await buildConsole()
  const stack = await startLocalStack({
    port: Number(process.env.PORT ?? 8787),
    dataDir: path.resolve(root, process.env.DATA_DIR ?? '.data'),
    seed: true,
    timers: true,
  })
  const h5Built = existsSync(path.join(root, 'miniprogram', 'dist', 'h5', 'index.html'))
  const consoleBuilt = existsSync(path.join(root, 'console', 'dist', 'index.html'))
  const lines = [
    '',
    `  Local stack running on ${stack.url}  (data: ${stack.dataDir})`,
    '',
    `  Mini-program (H5)  ${stack.url}/${h5Built ? '' : '   (not built yet: npm run build:miniprogram)'}`,
    `  HQ console         ${stack.url}/admin/${consoleBuilt ? '' : '   (build failed)'}`,
    `  Functions          POST ${stack.url}/fn/<name>   (${built.map((f) => f.name).join(', ')})`,
    `  Demo identities    ${stack.url}/dev/personas`,
    `  WeChat Pay sandbox POST ${stack.url}/sandbox/pay/<out_trade_no>   (verification: ${process.env.PAY_VERIFICATION === 'certificate' ? 'platform certificate' : 'WeChat Pay public key'})`,
    `  Health             ${stack.url}/health`,
    stack.adminPassword
      ? `  Console sign-in    admin / ${stack.adminPassword}${process.env.ADMIN_PASSWORD ? '  (from ADMIN_PASSWORD)' : '  (generated; set ADMIN_PASSWORD to choose)'}`
      : '  Console sign-in    admin / (unchanged; set ADMIN_PASSWORD to reset it)',
    '',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  const stop = () => {
    process.stdout.write('\n  stopping…\n')
    void stack.close().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`)
  process.exit(1)
})
