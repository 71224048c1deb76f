/**
 * Bounds on what a caller may send, checked before anything parses, clones or forwards it: a deeply
 * nested value overflows the stack of every recursive walker on the way (structured clone, zod), and
 * one such request used to kill the core. No operation's input is more than a few levels deep.
 */
export const MAX_INPUT_DEPTH = 32;
export const MAX_INPUT_BYTES = 1024 * 1024;
/** Values (objects, arrays, strings, numbers) in one input; the largest real input has a few dozen. */
export const MAX_INPUT_NODES = 10_000;

export interface InputProblem {
  code: 'INPUT_TOO_DEEP' | 'INPUT_TOO_LARGE';
  message: string;
}

const tooDeep: InputProblem = {
  code: 'INPUT_TOO_DEEP',
  message: `The request is nested more than ${MAX_INPUT_DEPTH} levels deep; no posrecon operation takes that.`,
};
const tooLarge: InputProblem = {
  code: 'INPUT_TOO_LARGE',
  message: 'The request is too large for any posrecon operation.',
};

/** Nesting depth of JSON text, by one pass over its brackets (strings skipped), without parsing it. */
export function checkJsonText(text: string): InputProblem | null {
  if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) return tooLarge;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_INPUT_DEPTH) return tooDeep;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return null;
}

/** The same bounds for a value that arrived already decoded (Electron IPC), walked without recursion. */
export function checkInputValue(value: unknown): InputProblem | null {
  const stack: [unknown, number][] = [[value, 0]];
  let nodes = 0;
  let bytes = 0;
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (++nodes > MAX_INPUT_NODES) return tooLarge;
    if (typeof v === 'string') {
      bytes += v.length;
      if (bytes > MAX_INPUT_BYTES) return tooLarge;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > MAX_INPUT_DEPTH) return tooDeep;
    const children: unknown[] = Array.isArray(v)
      ? v
      : v instanceof Map
        ? [...v.entries()].flat()
        : v instanceof Set
          ? [...v]
          : Object.entries(v).flat();
    if (children.length > MAX_INPUT_NODES) return tooLarge;
    for (const child of children) stack.push([child, depth + 1]);
  }
  return null;
}
