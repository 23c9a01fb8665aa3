import { z } from 'zod'

/** POST /api/v1/notifications: mark these (or, without ids, all) read. */
export const MarkNotificationsSchema = z.object({ ids: z.array(z.uuid('Not a notification id')).max(500).optional() })

/** `?unread=true` of GET /api/v1/notifications: unread ones only. */
export const NotificationListQuerySchema = z.object({
  unread: z
    .enum(['true', 'false'], { error: 'unread must be true or false' })
    .optional()
    .transform((v) => v === 'true')
    .describe('true: unread notifications only'),
})
