/** How bad a day's state is: a day is as complete as its least complete stream. */
const RANK = { complete: 0, open: 1, partial: 2 } as const;
type DayState = keyof typeof RANK;

/**
 * Complete, open and partial *days* of one connection. Each calendar day counts once, however many
 * streams checked it (Vipps checks fees and funds per day; counting both doubled its days), in the state
 * of its worst stream. Days before the connection's first synced record are left out: a sync that asks
 * for 90 days of a shop that has 60 gets 30 empty answers, which say nothing about the shop.
 */
export function countDays(
  checks: readonly { date: string; state: DayState }[],
  firstDay: string | null,
): Record<DayState, number> {
  const worst = new Map<string, DayState>();
  for (const { date, state } of checks) {
    if (firstDay === null || date < firstDay) continue;
    const seen = worst.get(date);
    if (seen === undefined || RANK[state] > RANK[seen]) worst.set(date, state);
  }
  const days = { complete: 0, open: 0, partial: 0 };
  for (const state of worst.values()) days[state]++;
  return days;
}
