// Test doubles for code built on @deals/discovery; never imported by production code.
export { startFakeConsul, type FakeConsul, type FakeConsulService, type CheckStatus } from './fake-consul.ts'
