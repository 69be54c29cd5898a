import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { GroupCommit, type BatchWriter } from '../../../src/domain/orders/group-commit.ts'

/** A writer that records its batches and holds each until released. */
function heldWriter(outcome: (item: number) => Error | undefined = () => undefined) {
  const batches: number[][] = []
  const releases: (() => void)[] = []
  let inFlight = 0
  let mostInFlight = 0
  const write: BatchWriter<number> = async (items) => {
    batches.push([...items])
    inFlight++
    mostInFlight = Math.max(mostInFlight, inFlight)
    await new Promise<void>((resolve) => releases.push(resolve))
    inFlight--
    if (items.includes(-1)) throw new Error('the batch failed as a whole')
    return items.map(outcome)
  }
  /** Lets waiting batches start, then lets every batch being written finish. */
  const releaseAll = async () => {
    await nextTurn()
    while (releases.length) releases.shift()!()
    await nextTurn()
  }
  return { write, batches, releaseAll, mostInFlight: () => mostInFlight }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

const settle = (p: Promise<void>) =>
  p.then(
    () => 'written',
    (e: Error) => e.message,
  )

describe('group commit of order writes', () => {
  test('a write that arrives alone goes alone, at once', async () => {
    const w = heldWriter()
    const commits = new GroupCommit(w.write, { maxBatch: 10, maxInFlight: 1, maxWaitMs: 60_000 })
    const done = commits.submit(1)
    await nextTurn()
    assert.deepEqual(w.batches, [[1]])
    await w.releaseAll()
    await done
  })

  test('writes that arrive while one is written go together next, within the batch bound', async () => {
    const w = heldWriter()
    const sizes: number[] = []
    const commits = new GroupCommit(w.write, {
      maxBatch: 4,
      maxInFlight: 1,
      maxWaitMs: 60_000,
      onBatch: (n) => sizes.push(n),
    })
    const first = commits.submit(0)
    await nextTurn()
    const rest = Array.from({ length: 9 }, (_, i) => commits.submit(i + 1))
    assert.deepEqual(commits.backlog, { waiting: 9, inFlight: 1 })
    for (let round = 0; round < 4; round++) await w.releaseAll()
    await Promise.all([first, ...rest])
    assert.deepEqual(w.batches, [[0], [1, 2, 3, 4], [5, 6, 7, 8], [9]])
    assert.deepEqual(sizes, [1, 4, 4, 1])
    assert.equal(w.mostInFlight(), 1)
  })

  test('no more batches are written at once than allowed', async () => {
    const w = heldWriter()
    const commits = new GroupCommit(w.write, { maxBatch: 2, maxInFlight: 3, maxWaitMs: 60_000 })
    const all = Array.from({ length: 20 }, (_, i) => commits.submit(i))
    while (w.batches.flat().length < 20) await w.releaseAll()
    await w.releaseAll()
    await Promise.all(all)
    assert.equal(w.mostInFlight(), 3)
    assert.deepEqual(
      w.batches.flat().sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    )
  })

  test('an item the batch could not write fails only its own caller', async () => {
    const w = heldWriter((item) => (item === 2 ? new Error('deadline passed') : undefined))
    const commits = new GroupCommit(w.write, { maxBatch: 10, maxInFlight: 1, maxWaitMs: 60_000 })
    const results = [1, 2, 3].map((i) => settle(commits.submit(i)))
    await w.releaseAll()
    assert.deepEqual(await Promise.all(results), ['written', 'deadline passed', 'written'])
    assert.deepEqual(w.batches, [[1, 2, 3]])
  })

  test('a batch that fails as a whole is written again item by item, so only the bad item fails', async () => {
    const w = heldWriter()
    const commits = new GroupCommit(w.write, { maxBatch: 10, maxInFlight: 1, maxWaitMs: 60_000 })
    const results = [1, -1, 3].map((i) => settle(commits.submit(i)))
    while (w.batches.length < 4) await w.releaseAll()
    await w.releaseAll()
    assert.deepEqual(await Promise.all(results), ['written', 'the batch failed as a whole', 'written'])
    assert.deepEqual(w.batches, [[1, -1, 3], [1], [-1], [3]])
  })

  test('an item that waited longer than allowed for its batch is refused unwritten; later ones go on', async () => {
    const w = heldWriter()
    const commits = new GroupCommit(w.write, { maxBatch: 10, maxInFlight: 1, maxWaitMs: 50 })
    const first = settle(commits.submit(1))
    await nextTurn()
    const stale = settle(commits.submit(2))
    await new Promise((resolve) => setTimeout(resolve, 80))
    const fresh = settle(commits.submit(3))
    while (w.batches.length < 2) await w.releaseAll()
    await w.releaseAll()
    assert.deepEqual(await Promise.all([first, stale, fresh]), [
      'written',
      'waited over 50 ms for a batch',
      'written',
    ])
    assert.deepEqual(w.batches, [[1], [3]])
  })
})
