import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { loadStoredValues, putStoredValues } from '#app/api/metrics.server.ts'

/** GET and PUT /api/v1/metrics/KEY/targets (see app/api/metrics.server.ts). */
export const loader = (args: LoaderFunctionArgs) => loadStoredValues(args, 'target')
export const action = (args: ActionFunctionArgs) => putStoredValues(args, 'target')
