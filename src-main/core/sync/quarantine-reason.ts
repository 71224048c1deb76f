/**
 * The stored quarantine error in words a shop manager can act on. The stored text is for the log (a
 * zod report: `✖ Invalid input: expected string, received undefined\n  → at pspReference`); the list
 * shows one sentence per problem, naming the field and, where useful, the value the provider sent.
 */
const SHAPE = 'Record does not match the expected shape: ';
const NORMALIZE = 'Record could not be normalized: ';

const KIND_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  object: 'a group of fields',
  array: 'a list',
};

function valueAt(raw: unknown, path: string): unknown {
  let v: unknown = raw;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part.replace(/\[(\d+)\]$/, '')];
  }
  return v;
}

function shapeProblem(message: string, path: string | null, raw: unknown): string {
  const field = path ? `"${path}"` : 'the record';
  const m = /expected (\w+), received (\w+)/.exec(message);
  if (m) {
    const [, expected = '', received = ''] = m;
    if (received === 'undefined' || received === 'null') return `${field} is missing`;
    const sent = path ? JSON.stringify(valueAt(raw, path)) : undefined;
    const want = KIND_WORDS[expected] ?? expected;
    return sent ? `${field} should be ${want} but is ${sent}` : `${field} should be ${want}`;
  }
  return path ? `${field}: ${message.replace(/^Invalid input:\s*/, '')}` : message;
}

export function plainReason(providerName: string, error: string, raw: unknown): string {
  if (error.startsWith(SHAPE)) {
    const problems: string[] = [];
    const lines = error.slice(SHAPE.length).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]?.trim() ?? '';
      if (!line.startsWith('✖')) continue;
      const next = lines[i + 1]?.trim() ?? '';
      const path = next.startsWith('→ at ') ? next.slice('→ at '.length) : null;
      problems.push(shapeProblem(line.slice(1).trim(), path, raw));
    }
    const what = problems.length ? problems.join('; ') : error.slice(SHAPE.length);
    return `${providerName} sent this record incomplete or garbled: ${what}.`;
  }
  if (error.startsWith(NORMALIZE)) {
    return `${providerName} sent a value posrecon cannot convert: ${error.slice(NORMALIZE.length)}`;
  }
  return `${providerName} sent a record posrecon cannot store: ${error}`;
}
