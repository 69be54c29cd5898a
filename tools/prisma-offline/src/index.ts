// Prisma 7 migrations without the native schema engine download: the shim's path, the
// start-up migration runner, and the check that committed migrations match each schema.
export { migrateDeploy, MigrationError, type MigrateDeployOptions } from './migrate.ts'
export { runPrisma, schemaEngineShimPath, type PrismaRun } from './prisma-cli.ts'
