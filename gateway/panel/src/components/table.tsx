/** A responsive data table (scrolls sideways on narrow screens) with loading and empty states. */
import type { ComponentChildren } from 'preact'

export type Column<T> = { label: string; cell: (row: T) => ComponentChildren; class?: string }

export function Table<T>(props: { columns: Column<T>[]; rows: T[] | null; empty?: string; rowKey: (row: T) => string | number; testid?: string }) {
  if (props.rows === null) return <Loading />
  if (props.rows.length === 0) return <Empty text={props.empty ?? 'Nothing here yet.'} />
  return (
    <div class="table-wrap">
      <table class="table" data-testid={props.testid}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.label} class={c.class}>
                {c.label || <span class="sr-only">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={props.rowKey(r)}>
              {props.columns.map((c) => (
                <td key={c.label} class={c.class} data-label={c.label}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

export const Loading = () => <p class="muted loading">Loading…</p>
export const Empty = (p: { text: string }) => <p class="muted empty">{p.text}</p>
