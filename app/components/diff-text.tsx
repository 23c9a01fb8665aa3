/** Added and removed words highlighted (text and strike-through, not colour alone). */
export function DiffText({ parts }: { parts: { kind: 'same' | 'added' | 'removed'; text: string }[] }) {
  return (
    <div className="card diff-text" aria-label="Differences">
      {parts.map((p, i) =>
        p.kind === 'added' ? (
          <ins key={i} className="diff-added">
            {p.text}
          </ins>
        ) : p.kind === 'removed' ? (
          <del key={i} className="diff-removed">
            {p.text}
          </del>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </div>
  )
}
