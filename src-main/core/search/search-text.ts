/**
 * Turns what the user typed into FTS5 match expressions, one per word. Each word becomes a quoted
 * phrase with a trailing `*`, so the tokenizer splits it exactly as it split the indexed text and its
 * last token matches as a prefix: `INV-2026-00` finds INV-2026-0012345, `kari.nord` finds the email,
 * and nothing the user types is ever read as FTS syntax (quotes are doubled, operators are just text).
 */
export function searchWords(text: string | undefined): string[] {
  if (!text) return [];
  const words = text
    .trim()
    .split(/\s+/u)
    // A word without a letter or digit yields no token, and an empty phrase is an FTS syntax error.
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  return [...new Set(words)].slice(0, 8).map((w) => `"${w.replaceAll('"', '""')}"*`);
}
