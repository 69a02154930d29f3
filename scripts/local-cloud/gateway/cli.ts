/**
 * Runs the gateway alone: `PORT=0 DATA_DIR=.data tsx scripts/local-cloud/gateway/cli.ts`.
 * Prints `{"listening":"http://127.0.0.1:PORT"}` once ready (crash tests and benchmarks wait
 * for that line).
 */
import path from 'node:path'
import { startGateway } from './index'

async function main() {
  const gateway = await startGateway({
    port: Number(process.env.PORT ?? 0),
    dataDir: path.resolve(process.env.DATA_DIR ?? '.data'),
  })
  process.stdout.write(`${JSON.stringify({ listening: gateway.url })}\n`)
  const stop = () => void gateway.close().then(() => process.exit(0))
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`)
  process.exit(1)
})
