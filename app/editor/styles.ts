import type { LinksFunction } from '@remix-run/node'
import editorStylesHref from '../styles/editor.css'

/**
 * The narrative page's stylesheet. Import this module with a RELATIVE path from the route
 * (`../editor/styles.ts`): the classic compiler bundles relative imports (and turns the .css import
 * into a hashed asset URL) but leaves `#app/*` imports external in the server build, where Node
 * would then try to load the .css file itself and fail.
 */
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: editorStylesHref }]
