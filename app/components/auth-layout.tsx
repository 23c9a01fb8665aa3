import type { ReactNode } from 'react'
import { CheckCircle2 } from 'lucide-react'
import { Brand } from './brand.tsx'

/** Sign-in and sign-up pages: the form beside a short statement of what Accord is for. */
export function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="auth">
      <aside className="auth-aside">
        <Brand />
        <div>
          <blockquote>Strategy meets the stack before it is fixed.</blockquote>
          <ul>
            <li>
              <CheckCircle2 size={18} aria-hidden /> Co-author strategy narratives in real time with Marketing Ops.
            </li>
            <li>
              <CheckCircle2 size={18} aria-hidden /> Check every plan against your marketing tech stack.
            </li>
            <li>
              <CheckCircle2 size={18} aria-hidden /> One set of goal metrics that sales, marketing and finance trust.
            </li>
          </ul>
        </div>
        <p className="auth-aside-foot">Accord — plans the whole company can read.</p>
      </aside>
      <main className="auth-main">
        <div className="auth-card">{children}</div>
      </main>
    </div>
  )
}
