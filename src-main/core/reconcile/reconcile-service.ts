import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import { AppError } from '../model/app-error.ts';
import type { EventBus } from '../api/event-bus.ts';
import type {
  CandidatesInput,
  DecideInput,
  ReconcileExplanation,
  ReconcileListInput,
  ReconcileRunReport,
} from '../api/reconcile-schemas.ts';
import { all, get, sql } from '../store/sql.ts';
import { findCandidates } from './candidates.ts';
import { payoutDetail } from './payout-detail.ts';
import { decisionEntries, markDays, recordDecision, undoDecision, type Touched } from './decide.ts';
import { DecisionIndex } from './decision-index.ts';
import { rematchDecision, type LocalReport } from './rematch.ts';
import { StretchCache } from './rematch-area.ts';
import { formatDay } from './describe.ts';
import { everyDay, runReconcile } from './engine.ts';
import { explain } from './explain.ts';
import { listReconcile } from './list.ts';
import {
  readReconcileSettings,
  writeReconcileSettings,
  type ReconcileSettingsPatch,
} from './reconcile-settings.ts';
import { reconcileSummary, type Period } from './summary.ts';

export interface ReconcileServiceOptions {
  db: Database;
  events: EventBus;
  actor: string;
  /** Names of connections whose sync is running in this process right now. */
  syncing: () => string[];
  /** Told of a failure nobody waits for (the decision path's warm-up). */
  onInternalError?: (operation: string, err: unknown) => void;
}

/**
 * Dry accept+undo pairs of the warm-up, each on the next suggestion. V8 compiles a function's optimised
 * code only after it ran a while, on threads of this process: one pair left decisions 2-6 of a session at
 * 150-250 ms of CPU on a busy shop's cache (p95 ~165 ms, against ~45 ms warm); 6 pairs ~69, 10-12 ~41-64.
 */
const WARM_ROUNDS = 10;

/** Ends the warm-up's transaction: everything it wrote is rolled back. */
class DryRun extends Error {}

type RunReport = z.infer<typeof ReconcileRunReport>;

/**
 * The core's face of reconciliation: runs (one at a time, after every sync and on request), the
 * summary, lists and explanations, and people's decisions, each followed by a rebuild of what it
 * touched so the answer shows the group as it now stands.
 */
export class ReconcileService {
  readonly #o: ReconcileServiceOptions;
  #running: Promise<RunReport> | null = null;
  #lastRematch: LocalReport | null = null;
  #warming: Promise<void> | null = null;
  /** A person has decided: their decisions warm the path from then on, the warm-up stops. */
  #decided = false;
  /** Records the last decisions read, and what the connection had written when they were done. */
  #stretches = new StretchCache();
  /** The decisions in force, as the last decision saw them: brought up to date, not read whole, each time. */
  #decisions: DecisionIndex | null = null;
  #writtenAfter = '';

  constructor(options: ReconcileServiceOptions) {
    this.#o = options;
  }

  /**
   * Why results may be incomplete: a sync that stopped half way (its run row is still 'running', or
   * its last run was cut off) leaves payments out, so some "no payment" findings may be false.
   */
  warnings(): string[] {
    const rows = all<{ name: string; status: string; started_at: string; error: string | null }>(
      this.#o.db,
      sql`SELECT c.name, r.status, r.started_at, r.error FROM connections c
            JOIN sync_runs r ON r.id = (SELECT max(id) FROM sync_runs WHERE connection_id = c.id)
           WHERE r.status = 'running' OR (r.status = 'failed' AND r.error LIKE '%interrupted%')`,
    );
    const live = new Set(this.#o.syncing());
    return rows
      .filter((r) => !live.has(r.name))
      .map(
        (r) =>
          `The last sync of ${r.name} (started ${formatDay(r.started_at.slice(0, 10))}) stopped half way, so some of its records are missing: "no payment" and "no sale" findings for it may be false until it syncs again.`,
      );
  }

  /** One run at a time; a second request while one runs waits for it and gets its report. */
  async run(full = false, decisionsOnly = false): Promise<RunReport> {
    const busy = this.#o.syncing();
    if (busy.length) {
      throw new AppError(
        'SYNC_RUNNING',
        `A sync of ${busy.join(', ')} is running; reconciliation runs by itself when it finishes.`,
      );
    }
    if (this.#running) return this.#running;
    const run = (async () => {
      const report = await runReconcile(this.#o.db, {
        full,
        decisionsOnly,
        onProgress: (p) => this.#o.events.emit('reconcile:progress', p),
        yieldEvery: () => new Promise((resolve) => setImmediate(resolve)),
      });
      this.#o.events.emit('reconcile:changed', { full, days: report.days });
      return { ...report, warnings: this.warnings() };
    })();
    this.#running = run;
    try {
      return await run;
    } finally {
      this.#running = null;
    }
  }

  summary(period: Period) {
    return reconcileSummary(this.#o.db, period, this.warnings());
  }

  /** The Reconcile view's lists. The view has opened, so the decision path is readied (warmUp). */
  list(input: z.output<typeof ReconcileListInput>) {
    const page = listReconcile(this.#o.db, input);
    void this.warmUp();
    return page;
  }

  /**
   * Readies the decision path before a person's first decisions, once per service, on timers after the
   * list that asked for it is answered. The first decisions of a process otherwise pay their statements'
   * preparing and their code's compiling: 0.1-0.3 s of CPU more each than later ones on a busy shop's
   * cache. Each round accepts the next suggestion and undoes it, re-matching and explaining both, inside
   * a transaction that is then rolled back: nothing is kept (no decision, audit row or group), and no
   * event is sent. A timer between rounds lets a person's request in after one round at most; their
   * first decision (or undo) ends the warm-up, and so does a run or a sync, or days waiting to be
   * matched (a decision then rebuilds days anyway).
   */
  warmUp(): Promise<void> {
    this.#warming ??= (async () => {
      for (let round = 0; round < WARM_ROUNDS && !this.#decided; round++) {
        // A timer between rounds: a person's request waits for one round at most.
        await new Promise((resolve) => setTimeout(resolve, 0));
        if (this.#decided) return;
        try {
          if (!this.#dryDecision(round)) return;
        } catch (err) {
          this.#o.onInternalError?.('reconcile:warm-up', err);
          return;
        }
      }
    })();
    return this.#warming;
  }

  /** One accept of the round's suggestion and its undo, each re-matched and explained, all rolled back. */
  #dryDecision(round: number): boolean {
    const db = this.#o.db;
    if (!db.open || db.inTransaction || this.#running || this.#o.syncing().length || !this.#nothingPending())
      return false;
    const suggestion = get<{ key: string; version: string }>(
      db,
      sql`SELECT key, version FROM recon_groups WHERE state = 'review' ORDER BY anchor_date DESC, id DESC LIMIT 1 OFFSET ${round}`,
    );
    if (!suggestion) return false;
    this.#keepStretchesIfUnwritten();
    try {
      db.transaction(() => {
        const { touched } = recordDecision(
          db,
          { action: 'accept', groupKey: suggestion.key, version: suggestion.version },
          this.#o.actor,
        );
        this.#rematch(touched);
        explain(db, suggestion.key);
        const undone = undoDecision(db, null, this.#o.actor);
        this.#rematch(undone.touched);
        this.#tryExplain(`sale:${undone.entry.saleKey}`);
        throw new DryRun();
      })();
    } catch (err) {
      // A suggestion that cannot be decided (a closed day, nothing waiting after all) is passed over.
      if (!(err instanceof DryRun) && !(err instanceof AppError)) throw err;
    } finally {
      // The dry decision's id is given again to the next real one: the index lets go of it first.
      if (this.#decisions) this.#decisions = DecisionIndex.refresh(db, this.#decisions);
    }
    return true;
  }

  explain(key: string): z.infer<typeof ReconcileExplanation> {
    return explain(this.#o.db, key);
  }

  candidates(input: z.output<typeof CandidatesInput>) {
    return findCandidates(this.#o.db, input);
  }

  payout(id: number) {
    return payoutDetail(this.#o.db, id);
  }

  /** What the last decision re-matched locally (null: it rebuilt its days): for the bench's figures. */
  get lastRematch(): LocalReport | null {
    return this.#lastRematch;
  }

  async decide(input: z.output<typeof DecideInput>) {
    this.#decided = true;
    const decisionsOnly = this.#nothingPending();
    this.#keepStretchesIfUnwritten();
    const { entries, touched } = recordDecision(this.#o.db, input, this.#o.actor);
    await this.#rebuild(touched, decisionsOnly);
    return { decisions: entries, group: this.#groupAfter(input.groupKey, input.transactionId) };
  }

  async undo(decisionId: number | null | undefined) {
    this.#decided = true;
    const decisionsOnly = this.#nothingPending();
    this.#keepStretchesIfUnwritten();
    const { entry, touched } = undoDecision(this.#o.db, decisionId, this.#o.actor);
    await this.#rebuild(touched, decisionsOnly);
    return { undone: entry, group: this.#tryExplain(`sale:${entry.saleKey}`) };
  }

  decisions(limit: number, beforeId: number | null | undefined) {
    return { items: decisionEntries(this.#o.db, beforeId ? sql`id < ${beforeId}` : sql`1`, limit) };
  }

  settings() {
    return readReconcileSettings(this.#o.db);
  }

  /**
   * Every group was made under the settings before (thresholds, time window, tips, rates): when they
   * change, every day is marked to be matched again, as a sync marks the days it writes, in the
   * settings' own transaction. Whatever runs next (the view's run after saving, the nightly sync's)
   * then rebuilds them all, and an app quit before it loses nothing.
   */
  configure(patch: z.input<typeof ReconcileSettingsPatch>) {
    const { db } = this.#o;
    return db.transaction(() => {
      const before = JSON.stringify(readReconcileSettings(db));
      const next = writeReconcileSettings(db, patch, this.#o.actor);
      if (JSON.stringify(next) !== before) markDays(db, everyDay(db));
      return next;
    })();
  }

  /** After a sync: only the days it touched. Never fails the sync: a problem is reported, not thrown. */
  async afterSync(): Promise<RunReport | null> {
    if (this.#o.syncing().length) return null;
    return this.run(false);
  }

  /**
   * Whether no day waits to be matched again: then the run after a decision rebuilds only what the
   * decision marked, and no record changed since the last run (a sync marks the days it writes).
   */
  #nothingPending(): boolean {
    return !get(this.#o.db, sql`SELECT 1 FROM recon_dirty_days LIMIT 1`);
  }

  /**
   * After a decision: re-match only what it can change (rematch.ts), which answers in milliseconds
   * whatever the cache's size. Where that reaches too far, or a sync left days to match again, the
   * decision's days are rebuilt instead, as a run does.
   */
  async #rebuild(touched: Touched, decisionsOnly: boolean): Promise<void> {
    if (this.#running) await this.#running.catch(() => undefined);
    if (decisionsOnly && this.#nothingPending()) {
      const local = this.#rematch(touched);
      this.#lastRematch = local;
      if (local) {
        this.#o.events.emit('reconcile:changed', { full: false, days: local.days.length });
        return;
      }
    }
    this.#lastRematch = null;
    markDays(this.#o.db, touched.days);
    await this.run(false, decisionsOnly);
  }

  #rematch(touched: Touched): LocalReport | null {
    const db = this.#o.db;
    try {
      return rematchDecision(
        db,
        { saleKeys: [touched.saleKey], recordIds: touched.recordIds },
        readReconcileSettings(db),
        (this.#decisions = DecisionIndex.refresh(db, this.#decisions)),
        Date.now(),
        this.#stretches,
      );
    } finally {
      this.#writtenAfter = this.#written();
    }
  }

  /**
   * Keeps the records the last decisions read only where nothing was written since, by this connection
   * (a sync, a run, a setting: SQLite counts every row changed) or another one (a nightly sync in its own
   * process: data_version). Called before the decision writes its own rows.
   */
  #keepStretchesIfUnwritten(): void {
    if (this.#written() !== this.#writtenAfter) this.#stretches = new StretchCache();
  }

  #written(): string {
    const db = this.#o.db;
    return `${String(db.pragma('data_version', { simple: true }))}:${String(get<{ n: number }>(db, sql`SELECT total_changes() AS n`)?.n)}`;
  }

  /** The group as it stands after a decision: the sale's, or (after an unlink) the one holding the record. */
  #groupAfter(groupKey: string, transactionId: number | null | undefined) {
    return (
      this.#tryExplain(groupKey) ??
      (transactionId ? explain(this.#o.db, `transaction:${transactionId}`) : explain(this.#o.db, groupKey))
    );
  }

  #tryExplain(key: string) {
    try {
      return explain(this.#o.db, key);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
  }
}
