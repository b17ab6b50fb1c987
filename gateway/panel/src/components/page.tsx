/** Page header and stat cards. */
import type { ComponentChildren } from 'preact'

export function PageHead(props: { title: string; children?: ComponentChildren; sub?: ComponentChildren }) {
  return (
    <header class="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.sub && <p class="muted">{props.sub}</p>}
      </div>
      {props.children && <div class="page-actions">{props.children}</div>}
    </header>
  )
}

export function Stat(props: { label: string; value: ComponentChildren; sub?: ComponentChildren; testid?: string }) {
  return (
    <div class="stat card" data-testid={props.testid}>
      <p class="stat-label">{props.label}</p>
      <p class="stat-value">{props.value}</p>
      {props.sub && <p class="stat-sub muted">{props.sub}</p>}
    </div>
  )
}
