/**
 * @module scripts/deploy/kubernetes-manifests.test
 * deploy/kubernetes/ stays applicable and keeps the properties the upstream replicas rely on. Offline:
 * every document is validated against the official Kubernetes OpenAPI schemas (kubernetes-models), its
 * fields are checked against the models' interfaces (manifest-fields.ts: the schemas allow unknown
 * fields), and then the project's own facts are asserted: the upstream is a StatefulSet that advertises
 * its pod IP and is ready only on /health/ready, both services have a PodDisruptionBudget, the gateway an
 * autoscaler, secrets come from the Secret, and every variable set is one a service reads.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ConfigMap, Secret, Service, type IConfigMap, type IContainer, type IEnvVar, type IPodTemplateSpec, type ISecret, type IService } from 'kubernetes-models/v1'
import { Deployment, StatefulSet, type IDeployment, type IStatefulSet } from 'kubernetes-models/apps/v1'
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { describe, expect, it } from 'vitest'
import { parse, parseAllDocuments } from 'yaml'
import { ConfigSchema } from '../../gateway/src/config.js'
import { UpstreamConfigSchema } from '../../upstream/src/config.js'
import { REPO_ROOT } from '../lib/paths.js'
import { checkFields, type TypedLiteral } from './manifest-fields.js'

const DIR = path.join(REPO_ROOT, 'deploy', 'kubernetes')
const SECRET_VARS = ['AUTHENTICATION_API_KEY', 'ADMIN_PASSWORD', 'DATABASE_URL', 'REDIS_URL']

type Validator = { validate(): void }
/** The kinds the manifests may use: model (schema check) and interface (field check). A new kind goes here. */
const MODELS: Record<string, { make: (data: never) => Validator; module: string; type: string }> = {
  'v1/Secret': { make: (d) => new Secret(d), module: 'kubernetes-models/v1', type: 'ISecret' },
  'v1/ConfigMap': { make: (d) => new ConfigMap(d), module: 'kubernetes-models/v1', type: 'IConfigMap' },
  'v1/Service': { make: (d) => new Service(d), module: 'kubernetes-models/v1', type: 'IService' },
  'apps/v1/Deployment': { make: (d) => new Deployment(d), module: 'kubernetes-models/apps/v1', type: 'IDeployment' },
  'apps/v1/StatefulSet': { make: (d) => new StatefulSet(d), module: 'kubernetes-models/apps/v1', type: 'IStatefulSet' },
  'autoscaling/v2/HorizontalPodAutoscaler': { make: (d) => new HorizontalPodAutoscaler(d), module: 'kubernetes-models/autoscaling/v2', type: 'IHorizontalPodAutoscaler' },
  'policy/v1/PodDisruptionBudget': { make: (d) => new PodDisruptionBudget(d), module: 'kubernetes-models/policy/v1', type: 'IPodDisruptionBudget' },
}

type Doc = { file: string; index: number; apiVersion: string; kind: string; name: string; body: Record<string, unknown> }

const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').sort()

function loadDocs(): Doc[] {
  const docs: Doc[] = []
  for (const file of files) {
    parseAllDocuments(fs.readFileSync(path.join(DIR, file), 'utf8')).forEach((d, index) => {
      if (d.errors.length > 0) throw new Error(`${file}#${index}: ${d.errors.map((e) => e.message).join('; ')}`)
      const body: unknown = d.toJS()
      if (body === null || body === undefined) return // an empty document (a trailing ---)
      if (typeof body !== 'object' || Array.isArray(body)) throw new Error(`${file}#${index}: not a mapping`)
      const o = body as Record<string, unknown>
      const meta = o.metadata as { name?: unknown } | undefined
      docs.push({ file, index, apiVersion: String(o.apiVersion), kind: String(o.kind), name: String(meta?.name), body: o })
    })
  }
  return docs
}

const docs = loadDocs()
const label = (d: Doc) => `${d.file}#${d.index} ${d.kind}/${d.name}`

function one<T>(kind: string, name: string): T {
  const found = docs.filter((d) => d.kind === kind && d.name === name)
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}/${name}, found ${found.length}`)
  return found[0]!.body as T
}

function all<T>(kind: string): T[] {
  return docs.filter((d) => d.kind === kind).map((d) => d.body as T)
}

function container(template: IPodTemplateSpec | undefined, name: string): IContainer {
  const c = template?.spec?.containers.find((x) => x.name === name)
  if (!c) throw new Error(`no container ${name}`)
  return c
}

function envOf(c: IContainer, name: string): IEnvVar | undefined {
  return c.env?.find((e) => e.name === name)
}

/** A probe's port: a number, or the name of one of the container's ports. */
function probePort(c: IContainer, port: number | string | undefined): number | undefined {
  return typeof port === 'string' ? c.ports?.find((p) => p.name === port)?.containerPort : port
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v)
}

const dockerfilePort = (service: string) => Number(/^EXPOSE (\d+)$/m.exec(fs.readFileSync(path.join(REPO_ROOT, service, 'Dockerfile'), 'utf8'))?.[1])

describe('deploy/kubernetes: schemas', () => {
  it('kustomization.yaml lists every manifest and nothing else', () => {
    const k = parse(fs.readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8')) as { resources?: string[] }
    expect([...(k.resources ?? [])].sort()).toEqual(files)
  })

  it('every document is a known kind that validates against the Kubernetes OpenAPI schema', () => {
    expect(docs.length).toBeGreaterThan(0)
    const problems: string[] = []
    for (const d of docs) {
      const model = MODELS[`${d.apiVersion}/${d.kind}`]
      if (!model) {
        problems.push(`${label(d)}: ${d.apiVersion} ${d.kind} is not in MODELS`)
        continue
      }
      try {
        model.make(d.body as never).validate()
      } catch (err) {
        problems.push(`${label(d)}: ${(err as Error).message}`)
      }
    }
    expect(problems).toEqual([])
  })

  it('the schema check catches a wrong type (guard of the check itself)', () => {
    const bad = { metadata: { name: 'x' }, spec: { selector: {}, serviceName: 'x', template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: '8081' }] }] } } } }
    expect(() => new StatefulSet(bad as never).validate()).toThrow(/containerPort/)
  })

  it('every field of every document is a known field (and the check catches a misspelt one)', () => {
    const literals: TypedLiteral[] = docs.flatMap((d) => {
      const model = MODELS[`${d.apiVersion}/${d.kind}`]
      return model ? [{ label: label(d), module: model.module, type: model.type, value: d.body }] : []
    })
    const planted = { label: 'planted', module: 'kubernetes-models/v1', type: 'IContainer', value: { name: 'c', readinesProbe: {} } }
    const problems = checkFields([...literals, planted])
    expect(problems.filter((p) => p.label !== 'planted')).toEqual([])
    expect(problems.filter((p) => p.label === 'planted').map((p) => p.message).join('\n')).toMatch(/readinesProbe/)
  }, 60_000)
})

describe('deploy/kubernetes: what the deployment relies on', () => {
  const gateway = one<IDeployment>('Deployment', 'gateway')
  const upstream = one<IStatefulSet>('StatefulSet', 'upstream')
  const gw = container(gateway.spec?.template, 'gateway')
  const up = container(upstream.spec?.template, 'upstream')

  it('the upstream is a StatefulSet, ready only on GET /health/ready of its port, with time to drain', () => {
    expect(up.readinessProbe?.httpGet?.path).toBe('/health/ready')
    expect(probePort(up, up.readinessProbe?.httpGet?.port)).toBe(8081)
    expect(up.ports?.map((p) => p.containerPort)).toEqual([dockerfilePort('upstream')])
    expect(upstream.spec?.template.spec?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(60)
    expect(up.resources?.requests?.memory).toBeDefined()
    expect(up.image).toMatch(/^taguato-send\/upstream:/)
  })

  it('each upstream replica is named by its pod and advertises its pod IP', () => {
    const names = up.env?.map((e) => e.name) ?? []
    expect(envOf(up, 'POD_IP')?.valueFrom?.fieldRef?.fieldPath).toBe('status.podIP')
    expect(envOf(up, 'UPSTREAM_ADVERTISE_URL')?.value).toBe('http://$(POD_IP):8081')
    // $(VAR) expands only variables defined earlier in the list.
    expect(names.indexOf('POD_IP')).toBeLessThan(names.indexOf('UPSTREAM_ADVERTISE_URL'))
    const nodeId = envOf(up, 'UPSTREAM_NODE_ID')
    if (nodeId) {
      expect(nodeId.value).toBe('$(POD_NAME)')
      expect(envOf(up, 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name')
      expect(names.indexOf('POD_NAME')).toBeLessThan(names.indexOf('UPSTREAM_NODE_ID'))
    }
  })

  it('the upstream has its headless Service and the `upstream` Service the gateway falls back to', () => {
    const headless = one<IService>('Service', upstream.spec?.serviceName ?? '')
    expect(headless.spec?.clusterIP).toBe('None')
    const svc = one<IService>('Service', 'upstream')
    expect(svc.spec?.clusterIP).not.toBe('None')
    expect(svc.spec?.ports?.map((p) => p.port)).toContain(8081)
    for (const s of [headless, svc]) expect(matches(s.spec?.selector, upstream.spec?.template.metadata?.labels)).toBe(true)
    expect(envOf(gw, 'UPSTREAM_URL')?.value).toBe('http://upstream:8081')
  })

  it('the gateway: readiness /health/ready, liveness /health/live, its Service, resources for the autoscaler', () => {
    expect(gw.readinessProbe?.httpGet?.path).toBe('/health/ready')
    expect(gw.livenessProbe?.httpGet?.path).toBe('/health/live')
    expect(gw.ports?.map((p) => p.containerPort)).toEqual([dockerfilePort('gateway')])
    expect(probePort(gw, gw.readinessProbe?.httpGet?.port)).toBe(dockerfilePort('gateway'))
    expect(gw.resources?.requests?.cpu).toBeDefined()
    expect(gw.image).toMatch(/^taguato-send\/gateway:/)
    expect(matches(one<IService>('Service', 'gateway').spec?.selector, gateway.spec?.template.metadata?.labels)).toBe(true)
  })

  it('the gateway has a CPU HorizontalPodAutoscaler on its Deployment', () => {
    const hpas = all<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler')
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === 'gateway')
    expect(hpa?.apiVersion).toBe('autoscaling/v2')
    expect(hpa?.spec?.metrics?.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')).toBe(true)
    expect(hpa?.spec?.scaleTargetRef.apiVersion).toBe('apps/v1')
  })

  it('both workloads have a PodDisruptionBudget; the upstream loses at most one replica at a time', () => {
    const pdbs = all<IPodDisruptionBudget>('PodDisruptionBudget')
    const pdbFor = (labels: Record<string, string> | undefined) => pdbs.filter((p) => matches(p.spec?.selector?.matchLabels, labels))
    expect(pdbFor(gateway.spec?.template.metadata?.labels)).toHaveLength(1)
    const upPdb = pdbFor(upstream.spec?.template.metadata?.labels)
    expect(upPdb).toHaveLength(1)
    expect(upPdb[0]?.spec?.maxUnavailable).toBe(1)
  })

  it('secrets come from the Secret through secretKeyRef, never from a literal or the ConfigMap', () => {
    const secrets = all<ISecret>('Secret')
    const keysOf = (name: string) => {
      const s = secrets.find((x) => x.metadata?.name === name)
      return new Set([...Object.keys(s?.stringData ?? {}), ...Object.keys(s?.data ?? {})])
    }
    const problems: string[] = []
    for (const [c, needs] of [[gw, SECRET_VARS], [up, ['AUTHENTICATION_API_KEY', 'DATABASE_URL']]] as const) {
      for (const name of needs) {
        const ref = envOf(c, name)?.valueFrom?.secretKeyRef
        if (!ref || !keysOf(ref.name ?? '').has(ref.key)) problems.push(`${c.name}: ${name} is not a secretKeyRef to a key of a Secret here`)
      }
      for (const e of c.env ?? []) if (SECRET_VARS.includes(e.name) && e.value !== undefined) problems.push(`${c.name}: ${e.name} is a literal`)
    }
    for (const cm of all<IConfigMap>('ConfigMap')) {
      for (const k of Object.keys(cm.data ?? {})) if (SECRET_VARS.includes(k)) problems.push(`ConfigMap/${cm.metadata?.name}: ${k} in a ConfigMap`)
    }
    expect(problems).toEqual([])
  })

  it('every variable set is one the gateway or the upstream reads', () => {
    const known = new Set([...Object.keys(ConfigSchema.entries), ...Object.keys(UpstreamConfigSchema.entries), 'POD_IP', 'POD_NAME'])
    const set = [
      ...all<IConfigMap>('ConfigMap').flatMap((c) => Object.keys(c.data ?? {})),
      ...all<ISecret>('Secret').flatMap((c) => Object.keys(c.stringData ?? {})),
      ...[gw, up].flatMap((c) => (c.env ?? []).map((e) => e.name)),
    ]
    expect(set.filter((n) => !known.has(n))).toEqual([])
  })
})
