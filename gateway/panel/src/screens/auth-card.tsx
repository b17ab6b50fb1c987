/** The centred card of the pre-login screens. */
import type { ComponentChildren } from 'preact'
import { Logo } from '../components/logo.js'

export function AuthCard(props: { subtitle: string; children: ComponentChildren }) {
  return (
    <main class="auth-page">
      <div class="auth-card">
        <div class="auth-brand">
          <Logo size={44} />
          <div>
            <h1>TAGUATO-SEND</h1>
            <p class="muted">{props.subtitle}</p>
          </div>
        </div>
        {props.children}
      </div>
    </main>
  )
}
