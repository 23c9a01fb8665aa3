import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { loadStoredValues, putStoredValues } from '#app/api/metrics.server.ts'

/** GET and PUT /api/v1/metrics/KEY/actuals (see app/api/metrics.server.ts). */
export const loader = (args: LoaderFunctionArgs) => loadStoredValues(args, 'actual')
export const action = (args: ActionFunctionArgs) => putStoredValues(args, 'actual')
