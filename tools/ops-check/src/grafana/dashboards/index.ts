// The provisioned dashboards, written to infra/grafana/dashboards/<uid>.json.
import { flashSaleLive } from './flash-sale-live.ts'
import { platformOverview } from './platform-overview.ts'
import { sagasAndMessaging } from './sagas-and-messaging.ts'
import { serviceRed } from './service-red.ts'

export const dashboards = [platformOverview, serviceRed, flashSaleLive, sagasAndMessaging]
