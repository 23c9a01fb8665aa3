import type { LinksFunction } from '@remix-run/node'
import roadmapStylesHref from '../../styles/roadmap.css'

/**
 * The roadmap's stylesheet. Import this module with a RELATIVE path from routes (see
 * app/editor/styles.ts: `#app/*` imports stay external in the server build, where Node cannot load
 * the .css file).
 */
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: roadmapStylesHref }]
