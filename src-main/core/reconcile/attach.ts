import type { DecisionIndex } from './decision-index.ts';
import { isPre, type Rec } from './load-day.ts';
import type { BuiltGroup, Sorted } from './match-day.ts';
import { lowerBound } from './sorted.ts';

/*
 * What joins a sale's group once its payments are linked: failed attempts before a linked payment,
 * duplicate charges after one, and the same money seen again (Vipps Report views and capture fees,
 * Cents pre-transactions). Each takes only records no other group holds (`free`) and claims them.
 */

/**
 * The linked payments grouped by `keyOf`, each group in time order (of one instant, in linking order:
 * the sort is stable) with its times, and each payment's place in linking order (`n`).
 */
function linkedByTime<K>(groups: readonly BuiltGroup[], keyOf: (p: Rec) => K) {
  const linked = new Map<K, { list: { g: BuiltGroup; p: Rec; n: number }[]; times: number[] }>();
  let n = 0;
  for (const g of groups) {
    for (const { payment: p } of g.pairs) {
      const k = keyOf(p);
      const entry = linked.get(k) ?? linked.set(k, { list: [], times: [] }).get(k)!;
      entry.list.push({ g, p, n: n++ });
    }
  }
  for (const entry of linked.values()) {
    entry.list.sort((a, b) => a.p.atMs - b.p.atMs);
    entry.times = entry.list.map((x) => x.p.atMs);
  }
  return linked;
}

/** A failed or cancelled payment just before a linked one of the same amount, at the same provider. */
export function attachAttempts(
  groups: BuiltGroup[],
  failed: readonly Rec[],
  free: (r: Rec) => boolean,
  claimed: Set<number>,
) {
  const linked = linkedByTime(groups, (p) => p.provider);
  for (const a of failed) {
    const entry = linked.get(a.provider);
    if (!entry || !free(a)) continue;
    // The nearest linked payment after the attempt, within 15 minutes, of its amount or reference.
    for (let i = lowerBound(entry.times, a.atMs); i < entry.list.length; i++) {
      const { g, p } = entry.list[i]!;
      if (p.atMs - a.atMs > 15 * 60_000) break;
      if (p.amount !== a.amount && !(a.refs.length > 0 && a.refs.some((r) => p.refs.includes(r)))) continue;
      g.members.push({ rec: a, role: 'attempt' });
      claimed.add(a.id);
      break;
    }
  }
}

/** A second charge of the same amount at the same provider minutes after a linked one, with no sale of its own. */
export function attachDuplicates(
  groups: BuiltGroup[],
  payments: readonly Rec[],
  free: (r: Rec) => boolean,
  claimed: Set<number>,
  decisions: DecisionIndex,
) {
  // The first fit in linking order wins, of the linked payments of its amount within five minutes of it
  // (read by time: on a busy day a common amount has hundreds of linked payments).
  const linked = linkedByTime(groups, (p) => p.amount);
  for (const d of payments) {
    const entry = linked.get(d.amount);
    if (!entry || !free(d)) continue;
    let fit: { g: BuiltGroup; n: number } | undefined;
    for (let i = lowerBound(entry.times, d.atMs - 5 * 60_000); i < entry.list.length; i++) {
      const { g, p, n } = entry.list[i]!;
      if (p.atMs > d.atMs + 5 * 60_000) break;
      if ((fit && fit.n < n) || p.provider !== d.provider || p.connectionId !== d.connectionId) continue;
      if (decisions.rejected(g.saleKey, d) || (decisions.saleOf(d) ?? g.saleKey) !== g.saleKey) continue;
      const refsAgree = p.refs.length === 0 ? d.refs.length === 0 : d.refs.some((r) => p.refs.includes(r));
      if (refsAgree) fit = { g, n };
    }
    if (!fit) continue;
    fit.g.members.push({ rec: d, role: 'duplicate' });
    claimed.add(d.id);
  }
}

/** Same money seen again: Vipps Report entries and fees of a linked payment; Cents pre-transactions. */
export function attachProviderLinks(
  groups: BuiltGroup[],
  { byTwin, byLink }: Sorted,
  free: (r: Rec) => boolean,
  claimed: Set<number>,
) {
  for (const g of groups) {
    // The members found here are views, fees and pre-transactions: only the ones before them are read.
    const n = g.members.length;
    for (let i = 0; i < n; i++) {
      const m = g.members[i]!;
      if (m.role !== 'payment' && m.role !== 'duplicate') continue;
      const p = m.rec;
      for (const v of byTwin.get(p.id) ?? []) {
        if (free(v)) {
          g.members.push({ rec: v, role: 'view' });
          claimed.add(v.id);
        }
      }
      if (p.link === null) continue;
      for (const x of byLink.get(p.link) ?? []) {
        if (x.provider !== p.provider || x.connectionId !== p.connectionId || !free(x) || x.id === p.id)
          continue;
        g.members.push({ rec: x, role: isPre(x) ? 'pre-transaction' : 'fee' });
        claimed.add(x.id);
      }
    }
  }
}
