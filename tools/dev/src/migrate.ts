// Applies every service's committed migrations to its database: the one-shot step that
// docker-compose and Kubernetes run before the services start (`npm start` does the same).
// POSTGRES_URL names the server; each service's database is `<DEV_DB_PREFIX or deals>_<service>`.
import { migrateDeploy } from '@deals/prisma-offline'
import { availableServices } from './services.ts'

const postgresUrl = process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432'
const prefix = process.env.DEV_DB_PREFIX ?? 'deals'

for (const service of availableServices(process.cwd()).filter((s) => s.hasDatabase)) {
  const databaseUrl = `${postgresUrl.replace(/\/$/, '')}/${prefix}_${service.name}`
  console.log(`migrating ${prefix}_${service.name}`)
  await migrateDeploy({ projectDir: service.dir, databaseUrl })
}
