/** Previous / next pager with "page n of m" (no button per page). */
export function Pager(props: { page: number; pages: number; total?: number; onPage: (p: number) => void }) {
  if (props.pages <= 1) return props.total !== undefined ? <p class="muted pager-total">{props.total} total</p> : null
  return (
    <nav class="pager" aria-label="Pagination">
      <button type="button" class="btn btn-sm" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
        ‹ Previous
      </button>
      <span>
        Page {props.page} of {props.pages}
        {props.total !== undefined && <span class="muted"> · {props.total} total</span>}
      </span>
      <button type="button" class="btn btn-sm" disabled={props.page >= props.pages} onClick={() => props.onPage(props.page + 1)}>
        Next ›
      </button>
    </nav>
  )
}
