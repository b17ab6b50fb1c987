/**
 * @module scripts/deploy/manifest-fields
 * Unknown-field check for Kubernetes manifests. kubernetes-models' validators follow the official OpenAPI
 * schemas, which do not forbid extra properties, so a misspelt `readinesProbe` would pass them while the
 * API server drops (or, with strict field validation, refuses) it. The models' TypeScript interfaces list
 * every field, and TypeScript refuses an object literal with a property its type lacks: each document is
 * written out as a typed literal and type-checked in memory.
 */
import path from 'node:path'
import ts from 'typescript'
import { REPO_ROOT } from '../lib/paths.js'

/** One literal to check: `type` is an interface exported by `module` (a kubernetes-models subpath). */
export type TypedLiteral = { label: string; module: string; type: string; value: unknown }

/** A type error of one literal (an unknown field, a wrong type). */
export type FieldProblem = { label: string; message: string }

// Inside the repository so `kubernetes-models` resolves from its node_modules; never written to disk.
const VIRTUAL_FILE = path.join(REPO_ROOT, 'scripts', 'deploy', '__manifest-literals__.ts')

/** Type-checks every literal against its interface; returns the problems (none = every field is known). */
export function checkFields(literals: TypedLiteral[]): FieldProblem[] {
  const lines: string[] = []
  const labelOfLine: string[] = []
  const push = (line: string, label: string) => {
    lines.push(line)
    labelOfLine.push(label)
  }
  literals.forEach((l, i) => {
    push(`import type { ${l.type} as T${i} } from ${JSON.stringify(l.module)}`, l.label)
  })
  literals.forEach((l, i) => {
    // Pretty-printed so a diagnostic's line points into one document.
    for (const [j, line] of JSON.stringify(l.value, null, 1).split('\n').entries()) {
      push(j === 0 ? `export const d${i}: T${i} = ${line}` : line, l.label)
    }
  })
  const source = lines.join('\n')
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ['lib.es2022.d.ts'],
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  const fileExists = host.fileExists.bind(host)
  const readFile = host.readFile.bind(host)
  host.getSourceFile = (name, languageVersion, ...rest) =>
    path.resolve(name) === VIRTUAL_FILE ? ts.createSourceFile(name, source, languageVersion, true) : getSourceFile(name, languageVersion, ...rest)
  host.fileExists = (name) => path.resolve(name) === VIRTUAL_FILE || fileExists(name)
  host.readFile = (name) => (path.resolve(name) === VIRTUAL_FILE ? source : readFile(name))
  const program = ts.createProgram([VIRTUAL_FILE], options, host)
  const virtual = program.getSourceFile(VIRTUAL_FILE)
  const diagnostics = [...program.getSyntacticDiagnostics(virtual), ...program.getSemanticDiagnostics(virtual)]
  return diagnostics.map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1
    return { label: labelOfLine[line] ?? '(unknown)', message: ts.flattenDiagnosticMessageText(d.messageText, '\n') }
  })
}
