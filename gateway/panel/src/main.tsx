import { render } from 'preact'
import { App } from './app.js'
import './styles/app.css'

const theme = localStorage.getItem('taguato_theme')
if (theme === 'dark' || (theme === null && window.matchMedia?.('(prefers-color-scheme: dark)').matches)) {
  document.documentElement.dataset.theme = 'dark'
}

render(<App />, document.getElementById('app')!)
