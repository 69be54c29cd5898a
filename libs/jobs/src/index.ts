// @deals/jobs: durable scheduled work (deal transitions, reminders, expiries, nightly runs) on
// pg-boss in each service's own database, precise to the due millisecond when asked.
export {
  JobScheduler,
  type JobContext,
  type JobDefinitionOptions,
  type JobHandler,
  type JobSchedulerOptions,
  type JobTransaction,
  type JobsLogger,
  type ScheduleOptions,
} from './job-scheduler.ts'
export { jobsPlugin, type JobsPluginOptions } from './plugin.ts'
