import type { Emulator, EmuResponse } from '../emulators/types.ts';
import type { FaultRule } from './fault-config.ts';

const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';

/** The response a fault replaces the real one with, or null when the request proceeds (stall, mutate, ...). */
export function faultResponse(rule: FaultRule, emulator: Emulator, nowMs: number): EmuResponse | null {
  const retryAfter = rule.retryAfterSeconds ?? 2;
  switch (rule.kind) {
    case 'rate-limit':
    case 'rate-limit-date': {
      const res = emulator.error(429);
      const value =
        rule.kind === 'rate-limit' ? String(retryAfter) : new Date(nowMs + retryAfter * 1000).toUTCString();
      return { ...res, headers: { ...res.headers, 'Retry-After': value } };
    }
    case 'http-500':
      return emulator.error(500);
    case 'http-503':
      return { ...emulator.error(503), headers: { 'Retry-After': String(retryAfter) } };
    case 'http-502':
      return { status: 502, raw: BAD_GATEWAY_HTML, contentType: 'text/html' };
    case 'http-404':
      return emulator.error(404);
    default:
      return null;
  }
}

/** Breaks one record in the middle of the page: its id removed and its amount made unreadable. */
export function malformRecord(body: string, recordsKey: string): string {
  const doc = JSON.parse(body) as Record<string, unknown>;
  const records = doc[recordsKey];
  if (!Array.isArray(records) || records.length === 0) return body;
  const i = Math.floor(records.length / 2);
  const rec = { ...(records[i] as Record<string, unknown>) };
  for (const idKey of ['id', 'tid', 'TransactionNumber', 'pspReference']) delete rec[idKey];
  for (const amountKey of ['amountCents', 'amount', 'amounts', 'total', 'total_amount', 'order_amount']) {
    if (amountKey in rec) rec[amountKey] = '12,5O kr';
  }
  records[i] = rec;
  return JSON.stringify(doc);
}

export function truncateBody(body: string): string {
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}

/** Pads the page's records (repeating them) to one more than the page size the client asked for. */
export function oversizePage(body: string, recordsKey: string, pageLimit: number): string {
  const doc = JSON.parse(body) as Record<string, unknown>;
  const records = doc[recordsKey];
  if (!Array.isArray(records) || records.length === 0) return body;
  const padded = Array.from({ length: pageLimit + 1 }, (_, i) => records[i % records.length] as unknown);
  return JSON.stringify({ ...doc, [recordsKey]: padded });
}
