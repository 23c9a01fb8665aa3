import type { LinksFunction } from '@remix-run/node'
import chipsStylesHref from '../../styles/chips.css'
import reviewStylesHref from '../../styles/review.css'

/** Chips and the Feasibility / Metrics tabs. Import with a RELATIVE path (see ../styles.ts for why). */
export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: chipsStylesHref },
  { rel: 'stylesheet', href: reviewStylesHref },
]
