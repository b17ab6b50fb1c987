// Builds the web panel (gateway/panel) into gateway/public/admin, served by the gateway at /admin/.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

export default defineConfig({
  root: here('.'),
  base: '/admin/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../public/admin'),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // Inline data: URIs for small assets would still be fine under CSP (img-src data:), but keep files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
})
