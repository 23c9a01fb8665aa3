import type { LinksFunction } from '@remix-run/node'
import searchStylesHref from '../../styles/search.css'

/** The search box, palette and results page (import RELATIVELY from routes; see comments/styles.ts). */
export const links: LinksFunction = () => [{ rel: 'stylesheet', href: searchStylesHref }]
