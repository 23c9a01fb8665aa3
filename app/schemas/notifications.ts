import { z } from 'zod'

/** POST /api/v1/notifications: mark these (or, without ids, all) read. */
export const MarkNotificationsSchema = z.object({ ids: z.array(z.uuid('Not a notification id')).max(500).optional() })
