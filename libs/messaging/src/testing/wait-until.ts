// Polls a condition until it holds or a deadline passes; tests wait on outcomes, never on sleeps.

/** Resolves with the first truthy value of `check`; rejects with `message` after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000)
  for (;;) {
    const value = await check()
    if (value) return value as NonNullable<T>
    if (Date.now() >= deadline) throw new Error(`timed out: ${options.message ?? 'condition never held'}`)
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 25))
  }
}
