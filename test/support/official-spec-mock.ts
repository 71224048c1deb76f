// A local HTTP server that speaks only what Vipps's OpenAPI files say: it validates every request
// against the official Report and Access Token specs (the Sales API against the reconstructed one),
// and answers with bodies a test supplies per operation (spec examples, or schema-generated data).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const SPECS_DIR = join(import.meta.dirname, '../../../shared/providers/specs');

// Specs are navigated by path; a loose type keeps that readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Spec = Record<string, any>;

export interface Operation {
  id: string;
  method: string;
  template: string;
  pattern: RegExp;
  spec: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  op: Record<string, any>;
}

export function loadSpec(file: string): Spec {
  return parse(readFileSync(join(SPECS_DIR, file), 'utf8')) as Spec;
}

function ajvFor(spec: Spec): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const f of [
    'DateTime',
    'Date in YYYY-MM-DD format.',
    'Date',
    'date',
    'date-time',
    'uri',
    'byte',
    'guid',
  ])
    ajv.addFormat(f, () => true);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addSchema(spec, 'spec');
  return ajv;
}

/** Resolves a local `$ref` (only `#/...` occur in these specs). */
export function deref(spec: Spec, node: Spec): Spec {
  let n = node;
  while (n && typeof n.$ref === 'string') {
    n = (n.$ref as string)
      .slice(2)
      .split('/')
      .reduce((o: Spec, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')] as Spec, spec);
  }
  return n;
}

export const SPEC_FILES = {
  report: 'vipps-report-api-v2.openapi.yaml',
  token: 'vipps-access-token-api.openapi.yaml',
  sales: 'vipps-sales-api.RECONSTRUCTED.openapi.yaml',
} as const;

export interface ValidatedRequest {
  method: string;
  path: string;
  operation: string | null;
  problems: string[];
}

export type Responder = (
  op: Operation,
  req: { query: URLSearchParams; params: string[] },
) => { status: number; body: unknown };

/**
 * Starts the mock. Paths are matched against every spec's templates (the deprecated v1 report path
 * included); a request no operation describes, or one that breaks its operation's parameters, is
 * recorded with its problems (and answered 400, as the real gateway would).
 */
export async function startSpecMock(respond: Responder) {
  const specs = Object.fromEntries(Object.entries(SPEC_FILES).map(([k, f]) => [k, loadSpec(f)])) as Record<
    keyof typeof SPEC_FILES,
    Spec
  >;
  const ajvs = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, ajvFor(s)])) as Record<
    string,
    Ajv
  >;
  const ops: Operation[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    for (const [template, item] of Object.entries(spec.paths as Spec)) {
      for (const method of ['get', 'post']) {
        const op = (item as Spec)[method] as Spec | undefined;
        if (!op) continue;
        const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
        ops.push({
          id: `${name}:${method} ${template}`,
          method: method.toUpperCase(),
          template,
          pattern,
          spec: name,
          op,
        });
      }
    }
  }
  const requests: ValidatedRequest[] = [];
  const cache = new Map<string, ValidateFunction>();
  const validatorFor = (spec: string, schema: Spec): ValidateFunction => {
    const key = `${spec}:${JSON.stringify(schema)}`;
    let v = cache.get(key);
    if (!v) {
      const ajv = ajvs[spec] as Ajv;
      v = typeof schema.$ref === 'string' ? ajv.getSchema(`spec${schema.$ref}`) : ajv.compile(schema);
      if (!v) throw new Error(`no schema at ${String(schema.$ref)}`);
      cache.set(key, v);
    }
    return v;
  };

  function validate(
    op: Operation,
    params: string[],
    query: URLSearchParams,
    headers: IncomingHttpHeaders,
  ): string[] {
    const spec = specs[op.spec as keyof typeof specs];
    const problems: string[] = [];
    const declared = ((op.op.parameters ?? []) as Spec[]).map((p) => deref(spec, p));
    const names = [...op.template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const p of declared) {
      let value: string | undefined;
      if (p.in === 'path') value = decodeURIComponent(params[names.indexOf(p.name as string)] ?? '');
      else if (p.in === 'query') value = query.get(p.name as string) ?? undefined;
      else if (p.in === 'header') {
        const h = headers[(p.name as string).toLowerCase()];
        value = Array.isArray(h) ? h[0] : h;
      }
      if (value === undefined) {
        if (p.required) problems.push(`missing required ${p.in} parameter ${p.name as string}`);
        continue;
      }
      const schema = (p.schema ?? {}) as Spec;
      const typed = schema.type === 'integer' || schema.type === 'number' ? Number(value) : value;
      const v = validatorFor(op.spec, schema);
      if (!v(typed))
        problems.push(
          `${p.in} ${p.name as string}=${value}: ${(v.errors ?? []).map((e) => e.message).join(', ')}`,
        );
    }
    for (const key of query.keys()) {
      if (!declared.some((p) => p.in === 'query' && p.name === key))
        problems.push(`query parameter ${key} is not in the spec`);
    }
    return problems;
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    req.resume();
    req.on('end', () => {
      let match: RegExpExecArray | null = null;
      const op = ops.find((o) => o.method === req.method && (match = o.pattern.exec(url.pathname)) !== null);
      const params = match ? [...(match as RegExpExecArray)].slice(1) : [];
      const problems = op
        ? validate(op, params, url.searchParams, req.headers)
        : ['no operation in the specs'];
      requests.push({ method: req.method ?? '', path: url.pathname, operation: op?.id ?? null, problems });
      const answer =
        op && problems.length === 0
          ? respond(op, { query: url.searchParams, params })
          : { status: op ? 400 : 404, body: { problems } };
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    specs,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A body built from a schema's examples: what a mock that "serves the spec's examples" answers. */
export function exampleOf(spec: Spec, node: Spec): unknown {
  const s = deref(spec, node);
  if (s.example !== undefined) return s.example;
  if (s.enum) return (s.enum as unknown[])[0];
  if (s.type === 'array') return [exampleOf(spec, s.items as Spec)];
  if (s.type === 'object' || s.properties) {
    return Object.fromEntries(
      Object.entries((s.properties ?? {}) as Spec).map(([k, v]) => [k, exampleOf(spec, v as Spec)]),
    );
  }
  return s.type === 'string' ? 'string' : s.type === 'boolean' ? false : 0;
}

/** The 200 schema of an operation. */
export function okSchema(spec: Spec, op: Operation): Spec {
  const ok = deref(spec, (op.op.responses as Spec)['200'] as Spec);
  const content = ok.content as Spec;
  const media = Object.values(content)[0] as Spec;
  return media.schema as Spec;
}
