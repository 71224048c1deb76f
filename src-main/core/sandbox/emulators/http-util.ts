import type { EmuRequest, EmuResponse } from './types.ts';

export function json(status: number, body: unknown, headers?: Record<string, string>): EmuResponse {
  return { status, json: body, headers };
}

/**
 * Builds `{...head, "<key>": [rows], ...tail}` from stored JSON text, keeping the provider's key order.
 */
export function page(
  head: Record<string, unknown>,
  key: string,
  rows: readonly string[],
  tail: Record<string, unknown> = {},
): EmuResponse {
  const part = (o: Record<string, unknown>) =>
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  const fields = [...part(head), `${JSON.stringify(key)}:[${rows.join(',')}]`, ...part(tail)];
  return { status: 200, raw: `{${fields.join(',')}}`, recordsKey: key };
}

export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

/** Decodes an opaque base64-JSON cursor; undefined means "not a cursor we issued". */
export function decodeCursor<T>(cursor: string): T | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    return value !== null && typeof value === 'object' ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

export function parseJsonBody(req: EmuRequest): Record<string, unknown> | undefined {
  if (req.body.length === 0) return {};
  try {
    const v: unknown = JSON.parse(req.body.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function parseForm(req: EmuRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

export function header(req: EmuRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function bearer(req: EmuRequest): string | undefined {
  const auth = header(req, 'authorization');
  const m = auth ? /^Bearer\s+(\S+)$/i.exec(auth) : null;
  return m?.[1];
}

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDate(s: string): boolean {
  return (
    DATE_RE.test(s) &&
    !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
    new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)
  );
}

/** Parses an optional positive integer parameter; NaN when present but malformed. */
export function intParam(value: string | null | undefined, fallback: number): number {
  if (value === null || value === undefined || value === '') return fallback;
  return /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
}

export const MS_PER_DAY = 86_400_000;
