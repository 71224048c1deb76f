import type { Rng } from './prng.ts';

/**
 * The imperfection classes the ground truth tags a record with (every record of a payment carries its
 * payment's tags), so a reconciler's accuracy can be measured per class.
 */
export const TRUTH_TAGS = [
  'missing-reference',
  'mistyped-reference',
  'tip',
  'split-tender',
  'failed-then-retried',
  'refund',
  'late-refund',
  'duplicate-charge',
  'duplicate-notification',
  'pending',
  'cash',
  'clock-skew',
  'same-amount-neighbour',
  'foreign-currency',
] as const;

export type TruthTag = (typeof TRUTH_TAGS)[number];

export const MISTYPE_KINDS = ['transpose', 'truncate', 'case', 'whitespace', 'drop'] as const;
export type MistypeKind = (typeof MISTYPE_KINDS)[number];

/**
 * A reference keyed wrongly at the till or mangled on the way: two adjacent characters swapped, the last
 * 1–3 characters cut off, the letters in the other case, a stray space (leading, trailing or inside), or
 * one character dropped. The result always differs from `ref`; the kind is picked with `rng`.
 */
export function mistype(ref: string, rng: Rng, kind: MistypeKind = rng.pick(MISTYPE_KINDS)): string {
  const n = ref.length;
  switch (kind) {
    case 'transpose': {
      // Swapping two equal characters changes nothing: pick among the positions where they differ.
      const at = [...ref].flatMap((c, i) => (i < n - 1 && c !== ref.charAt(i + 1) ? [i] : []));
      if (!at.length) return `${ref} `;
      const i = rng.pick(at);
      return ref.slice(0, i) + ref.charAt(i + 1) + ref.charAt(i) + ref.slice(i + 2);
    }
    case 'truncate':
      return ref.slice(0, n - Math.min(rng.int(1, 3), n - 1));
    case 'case': {
      const other = ref === ref.toLowerCase() ? ref.toUpperCase() : ref.toLowerCase();
      return other === ref ? ` ${ref}` : other;
    }
    case 'whitespace': {
      const where = rng.int(0, 2);
      if (where === 0) return ` ${ref}`;
      if (where === 1) return `${ref} `;
      const i = rng.int(1, n - 1);
      return `${ref.slice(0, i)} ${ref.slice(i)}`;
    }
    case 'drop': {
      const i = rng.int(0, n - 1);
      return ref.slice(0, i) + ref.slice(i + 1);
    }
  }
}
