/**
 * The benchmarks' load shapes (scripts/bench/child.ts): the paced (open-loop) store opening
 * spreads its arrivals over the window and never has more than its cap in flight, and a shopper
 * who finds the cap reached waits, with that wait counted in their latency.
 */
import { arrivalTimes, openLoop } from '../../../scripts/bench/child'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('arrival times', () => {
  it('spreads Poisson arrivals over the window, ascending, the same in every run', () => {
    const times = arrivalTimes(1000, 60_000, 'poisson')
    expect(times).toHaveLength(1000)
    expect(times.every((t, i) => t >= 0 && t < 60_000 && (i === 0 || t >= times[i - 1]!))).toBe(
      true,
    )
    expect(arrivalTimes(1000, 60_000, 'poisson')).toEqual(times)
    // Bunches and gaps, unlike even spacing: some gap is far above the mean of 60 ms.
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(Math.max(...gaps)).toBeGreaterThan(180)
    // Every quarter of the window gets about a quarter of the shoppers.
    for (let q = 0; q < 4; q++) {
      const inQuarter = times.filter((t) => t >= q * 15_000 && t < (q + 1) * 15_000).length
      expect(inQuarter).toBeGreaterThan(200)
      expect(inQuarter).toBeLessThan(300)
    }
  })

  it('spaces even arrivals exactly', () => {
    expect(arrivalTimes(4, 1000, 'even')).toEqual([0, 250, 500, 750])
  })
})

describe('openLoop', () => {
  it('keeps at most the cap in flight and counts the wait for a slot in the latency', async () => {
    let inOp = 0
    let mostInOp = 0
    const run = await openLoop(
      12,
      60,
      3,
      async (i) => {
        inOp++
        mostInOp = Math.max(mostInOp, inOp)
        await sleep(40)
        inOp--
        return i !== 5
      },
      'even',
    )
    expect(mostInOp).toBe(3)
    expect(run.maxInFlight).toBe(3)
    expect(run.ok).toBe(11)
    expect(run.latencies).toHaveLength(12)
    // 12 calls of at least 40 ms, 3 at a time, take at least 4 rounds (160 ms); the last of them
    // arrived by 60 ms, so it waited at least 100 ms from its arrival (less 5 ms: Node's timers
    // may fire a little early against performance.now(), 38.7 ms for a 40 ms sleep was seen).
    expect(run.waitedForSlot).toBeGreaterThan(0)
    expect(run.latencies.at(-1)!).toBeGreaterThanOrEqual(95)
    expect(run.latencies[0]!).toBeGreaterThanOrEqual(35)
  })
})
