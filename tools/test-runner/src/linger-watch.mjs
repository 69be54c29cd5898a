// Loaded into every test file's process by the runner (through NODE_OPTIONS). When node:test
// ends the process after the file's tests (forceExit), it first gives the handles the tests left
// a grace period to close; a handle still open then would have kept the process alive, so its
// kind is written to stderr after the runner's marker, for the runner to report the file.
// Plain JavaScript: it loads before tsx does.
const marker = process.env.TEST_RUNNER_LINGER_MARKER
const graceMs = Number(process.env.TEST_RUNNER_LINGER_GRACE_MS ?? 5000)
// Only the test file's own process: processes its tests spawn inherit the environment, not these flags.
const isTestProcess =
  Boolean(marker) &&
  process.execArgv.includes('--test-force-exit') &&
  /\.test\.[cm]?[jt]s$/.test(process.argv[1] ?? '')

// The file's stdout and stderr pipes to the runner, and a close in progress, are not the tests'.
const plumbing = { PipeWrap: 2, TTYWrap: 2, CloseReq: Number.POSITIVE_INFINITY }

function lingering() {
  const allowed = { ...plumbing }
  return process.getActiveResourcesInfo().filter((kind) => {
    if ((allowed[kind] ?? 0) <= 0) return true
    allowed[kind] -= 1
    return false
  })
}

if (isTestProcess) {
  const exit = process.exit.bind(process)
  let exiting = false
  process.exit = (code) => {
    if (exiting) return exit(code)
    exiting = true
    void (async () => {
      const deadline = Date.now() + graceMs
      // Checked right after the wait's own timer fired, so that timer is not counted.
      while (lingering().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      const left = lingering()
      if (left.length === 0) return exit(code)
      process.stderr.write(`${marker} ${left.join(', ')}\n`, () => exit(code))
    })()
  }
}
