import type { LinksFunction, MetaFunction } from '@remix-run/node'
import { json } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { Fragment } from 'react'
import { buildOpenApiDocument } from '#app/api/openapi.ts'
// Relative, so the compiler bundles the stylesheet (see app/editor/styles.ts).
import apiDocsStyles from '../styles/api-docs.css'

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: apiDocsStyles }]
export const meta: MetaFunction = () => [{ title: 'API reference · Accord' }]

type Schema = {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  format?: string
  pattern?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  default?: unknown
  description?: string
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  oneOf?: Schema[]
  anyOf?: Schema[]
  $ref?: string
}
interface Operation {
  operationId: string
  tags: string[]
  summary: string
  description?: string
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: Schema }[]
  requestBody?: { content: Record<string, { schema: Schema }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>
  security?: unknown[]
}

/** GET /api/docs — the API reference, rendered on the server from the OpenAPI document (no scripts needed). */
export function loader() {
  const doc = buildOpenApiDocument()
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, ...(op as Operation) })),
  )
  return json({ info: doc.info, tags: doc.tags.map((t) => t.name), operations })
}

/** A one-line description of a schema's type and constraints. */
function typeOf(s: Schema | undefined): string {
  if (!s) return 'any'
  if (s.$ref) return s.$ref.split('/').pop() ?? 'object'
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ')
  const variants = s.oneOf ?? s.anyOf
  if (variants) return variants.map(typeOf).join(' | ')
  if (s.type === 'array') return `array of ${typeOf(s.items)}`
  const type = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? 'any')
  return s.format ? `${type} (${s.format})` : type
}

function constraints(s: Schema) {
  const out: string[] = []
  if (s.minLength !== undefined || s.maxLength !== undefined) out.push(`${s.minLength ?? 0}–${s.maxLength ?? '∞'} chars`)
  if (s.minimum !== undefined || s.maximum !== undefined) out.push(`${s.minimum ?? '−∞'} to ${s.maximum ?? '∞'}`)
  if (s.minItems !== undefined || s.maxItems !== undefined) out.push(`${s.minItems ?? 0}–${s.maxItems ?? '∞'} items`)
  if (s.pattern && !s.format) out.push(`pattern ${s.pattern}`)
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`)
  return out.join(' · ')
}

function Properties({ schema }: { schema: Schema }) {
  const variants = schema.oneOf ?? schema.anyOf
  if (variants)
    return (
      <>
        {variants.map((v, i) => (
          <Fragment key={i}>
            <p className="api-variant">{i === 0 ? 'One of:' : 'or:'}</p>
            <Properties schema={v} />
          </Fragment>
        ))}
      </>
    )
  if (schema.type === 'array' && schema.items?.properties) {
    return (
      <>
        <p className="api-variant">An array{constraints(schema) ? ` (${constraints(schema)})` : ''} of:</p>
        <Properties schema={schema.items} />
      </>
    )
  }
  const props = Object.entries(schema.properties ?? {})
  if (!props.length)
    return (
      <p className="api-type">
        {typeOf(schema)}
        {schema.description ? ` — ${schema.description}` : ''}
      </p>
    )
  return (
    <table className="api-table">
      <thead>
        <tr>
          <th scope="col">field</th>
          <th scope="col">type</th>
          <th scope="col">notes</th>
        </tr>
      </thead>
      <tbody>
        {props.map(([name, s]) => (
          <tr key={name}>
            <td>
              <code>{name}</code>
              {schema.required?.includes(name) ? <span className="api-required"> required</span> : null}
            </td>
            <td className="api-type">{typeOf(s)}</td>
            <td>{[s.description, constraints(s)].filter(Boolean).join(' · ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Text with `code` spans (the document's descriptions use Markdown backticks). */
function Prose({ text }: { text: string }) {
  return <>{text.split('`').map((part, i) => (i % 2 ? <code key={i}>{part}</code> : <Fragment key={i}>{part}</Fragment>))}</>
}

export default function ApiDocs() {
  const { info, tags, operations } = useLoaderData<typeof loader>()
  return (
    <div className="api-docs">
      <nav className="api-nav" aria-label="API sections">
        <a className="api-home" href="/home">
          Accord
        </a>
        <p className="api-nav-title">API reference</p>
        {tags.map((tag) => (
          <Fragment key={tag}>
            <a className="api-nav-tag" href={`#tag-${tag.replace(/\W+/g, '-')}`}>
              {tag}
            </a>
            <ul>
              {operations
                .filter((o) => o.tags[0] === tag)
                .map((o) => (
                  <li key={o.operationId}>
                    <a href={`#${o.operationId}`}>
                      <span className={`api-method ${o.method}`}>{o.method.toUpperCase()}</span> {o.path.replace('/api/v1', '')}
                    </a>
                  </li>
                ))}
            </ul>
          </Fragment>
        ))}
      </nav>
      <main className="api-main" id="main">
        <h1>{info.title}</h1>
        <p className="api-lead">
          <Prose text={info.description} />
        </p>
        <p>
          The machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
        </p>
        {tags.map((tag) => (
          <section key={tag} aria-labelledby={`tag-${tag.replace(/\W+/g, '-')}`}>
            <h2 id={`tag-${tag.replace(/\W+/g, '-')}`}>{tag}</h2>
            {operations
              .filter((o) => o.tags[0] === tag)
              .map((o) => {
                const body = o.requestBody ? Object.entries(o.requestBody.content)[0] : null
                const query = (o.parameters ?? []).filter((p) => p.in === 'query')
                return (
                  <article key={o.operationId} id={o.operationId} className="api-op" aria-labelledby={`${o.operationId}-title`}>
                    <h3 id={`${o.operationId}-title`}>
                      <span className={`api-method ${o.method}`}>{o.method.toUpperCase()}</span> <code>{o.path}</code>
                    </h3>
                    <p>
                      <Prose text={o.summary} />
                      {o.security?.length === 0 ? <span className="api-public"> · no token needed</span> : null}
                    </p>
                    {o.description ? (
                      <p className="api-desc">
                        <Prose text={o.description} />
                      </p>
                    ) : null}
                    {query.length ? (
                      <>
                        <h4>Query</h4>
                        <Properties
                          schema={{
                            type: 'object',
                            properties: Object.fromEntries(
                              query.map((p) => [p.name, { ...p.schema, description: p.description ?? p.schema.description }]),
                            ),
                            required: query.filter((p) => p.required).map((p) => p.name),
                          }}
                        />
                      </>
                    ) : null}
                    {body ? (
                      <>
                        <h4>
                          Body <span className="api-type">({body[0]})</span>
                        </h4>
                        <Properties schema={body[1].schema} />
                      </>
                    ) : null}
                    <h4>Responses</h4>
                    <dl className="api-responses">
                      {Object.entries(o.responses).map(([status, r]) => (
                        <div key={status}>
                          <dt className={Number(status) < 300 ? 'ok' : 'err'}>{status}</dt>
                          <dd>
                            <Prose text={r.description} />
                          </dd>
                        </div>
                      ))}
                    </dl>
                  </article>
                )
              })}
          </section>
        ))}
      </main>
    </div>
  )
}
