/** A quiet stand-in with the document's footprint while the editor loads or first syncs. */
export function DocumentSkeleton() {
  return (
    <div className="doc-skeleton" role="status">
      <span className="visually-hidden">Loading the narrative…</span>
      <div className="skeleton-line skeleton-h" />
      <div className="skeleton-line" />
      <div className="skeleton-line" />
      <div className="skeleton-line short" />
      <div className="skeleton-line skeleton-h" />
      <div className="skeleton-line" />
      <div className="skeleton-line short" />
    </div>
  )
}
