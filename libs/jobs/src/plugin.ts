// The job scheduler as a named Fastify connection: `app.jobs`. Plugins registered after it
// `define` their jobs; workers start when the app is ready and stop, draining, when it closes.
import fp from 'fastify-plugin'
import { JobScheduler, type JobSchedulerOptions } from './job-scheduler.ts'

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobScheduler
  }
}

export type JobsPluginOptions = Omit<JobSchedulerOptions, 'logger' | 'registry'>

export const jobsPlugin = fp<JobsPluginOptions>(
  async (app, options) => {
    const registry = (app as { metrics?: JobSchedulerOptions['registry'] }).metrics
    const jobs = new JobScheduler({
      ...options,
      logger: app.log.child({ component: 'jobs' }),
      ...(registry ? { registry } : {}),
    })
    app.decorate('jobs', jobs)
    app.addHook('onReady', async () => {
      await jobs.start()
    })
    app.addHook('onClose', async () => {
      await jobs.stop()
    })
  },
  { name: 'jobs', fastify: '5.x' },
)
