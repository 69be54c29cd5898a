// Which channels each kind of notification reaches the user on.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { NOTIFICATION_KINDS } from '../../domain/preferences/preferences.ts'

const preferenceSchema = z.object({
  kind: z.enum(NOTIFICATION_KINDS),
  inApp: z.boolean().describe('Kept in the feed and sent on the live stream'),
  email: z.boolean(),
  customized: z.boolean().describe('False while the defaults apply'),
})

export const listPreferencesSchema = {
  tags: ['preferences'],
  summary: 'My channels for every kind of notification',
  description:
    'Defaults: in-app on for every kind; e-mail on for ORDER_STATUS only. A CHAT e-mail goes with a new ' +
    'in-app chat notification, so it needs in-app on too.',
  response: { 200: z.object({ items: z.array(preferenceSchema) }), ...problemResponses(401) },
}

export const setPreferenceSchema = {
  tags: ['preferences'],
  summary: 'Choose the channels of one kind of notification',
  params: z.object({ kind: z.enum(NOTIFICATION_KINDS) }),
  body: z.strictObject({ inApp: z.boolean(), email: z.boolean() }),
  response: { 200: preferenceSchema, ...problemResponses(400, 401, 415) },
}
