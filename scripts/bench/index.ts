/**
 * `npm run bench`: every benchmark, one JSON line per figure. Figures, never pass/fail: the
 * machine is shared and noisy, so compare ratios measured side by side in the same run.
 * `npm run bench -- gateway functions` runs only the named groups.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { benchBursts } from './bursts'
import { benchCampaigns } from './campaigns'
import { benchCouponJobs } from './coupon-jobs'
import { benchDashboard } from './dashboard'
import { benchFunctions } from './functions'
import { benchGateway } from './gateway'
import { benchHotpaths } from './hotpaths'
import { benchPoints } from './points'
import { benchShop } from './shop'

type Bench = () => Promise<object[]>

const groups: Record<string, Bench> = {
  gateway: () => benchGateway(),
  functions: () => benchFunctions(),
  points: () => benchPoints(),
  shop: () => benchShop(),
  campaigns: () => benchCampaigns(),
  couponJobs: () => benchCouponJobs(),
  dashboard: () => benchDashboard(),
  hotpaths: () => benchHotpaths(),
  bursts: () => benchBursts(),
}

// Benchmarks owned by other parts of the project register here when present.
const optional: Record<string, string> = {
  miniprogram: './miniprogram-size',
}

async function main() {
  for (const [name, file] of Object.entries(optional)) {
    if (existsSync(path.join(__dirname, `${file}.ts`))) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(file) as Record<string, unknown>
      const fn = Object.values(mod).find(
        (value) => typeof value === 'function' && value.name.startsWith('bench'),
      ) as Bench | undefined
      if (fn) groups[name] = fn
    }
  }
  const wanted = process.argv.slice(2)
  for (const [name, run] of Object.entries(groups)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue
    const started = Date.now()
    const rows = await run()
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`)
    process.stderr.write(`  (${name}: ${((Date.now() - started) / 1000).toFixed(1)} s)\n`)
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`)
  process.exit(1)
})
