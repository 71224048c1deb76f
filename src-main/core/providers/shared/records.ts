import { z } from 'zod';
import { ConnectorError } from '../connector-error.ts';
import type { RecordOutcome } from '../connector.ts';
import type { CanonicalTransaction } from '../../model/transaction.ts';

/** The provider's id of a raw record, if it has a usable one (quarantined records still get it). */
export function rawId(raw: unknown, key: string): string | null {
  if (raw === null || typeof raw !== 'object') return null;
  const value = (raw as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
}

/**
 * Validates and normalizes one record on its own: a record that fails its schema, or whose values
 * cannot be converted (a bad amount, a timestamp without zone), is quarantined with the reason; the
 * rest of the page carries on.
 */
export function toOutcome<T>(
  raw: unknown,
  schema: z.ZodType<T>,
  idKey: string,
  normalize: (record: T, raw: unknown) => CanonicalTransaction,
): RecordOutcome {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      raw,
      error: `Record does not match the expected shape: ${z.prettifyError(parsed.error)}`,
      externalId: rawId(raw, idKey),
    };
  }
  try {
    return { ok: true, record: normalize(parsed.data, raw) };
  } catch (err) {
    return {
      ok: false,
      raw,
      error: `Record could not be normalized: ${(err as Error).message}`,
      externalId: rawId(raw, idKey),
    };
  }
}

/** A page whose envelope we cannot read at all stops the stream: nothing on it can be trusted. */
export function parseEnvelope<T>(schema: z.ZodType<T>, data: unknown, providerName: string, what: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ConnectorError(
      'protocol',
      `${providerName} sent a ${what} we cannot read: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/**
 * Drops records already yielded in this run (by external id): offset and page-number paging shift
 * when records arrive mid-run, and a window fetched again must not yield its records twice.
 * Quarantined records without an id are always passed through.
 */
export class RunDedupe {
  private readonly seen = new Set<string>();

  keep(outcomes: RecordOutcome[]): RecordOutcome[] {
    return outcomes.filter((o) => {
      const id = o.ok ? o.record.externalId : o.externalId;
      if (id === null) return true;
      if (this.seen.has(id)) return false;
      this.seen.add(id);
      return true;
    });
  }

  get size(): number {
    return this.seen.size;
  }
}

/** A connection's settings, or a plain-words `config` error naming what is wrong. */
export function parseConfig<T>(schema: z.ZodType<T>, config: unknown, providerName: string): T {
  const parsed = schema.safeParse(config ?? {});
  if (!parsed.success) {
    throw new ConnectorError(
      'config',
      `The ${providerName} connection settings are not valid: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}
