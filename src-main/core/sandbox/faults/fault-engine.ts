import { hashUnit } from '../world/prng.ts';
import { resolveFaults, type FaultConfig, type FaultRule } from './fault-config.ts';

export interface FaultDecision {
  rule: FaultRule;
  ruleIndex: number;
  /** The request's ordinal on its provider + endpoint. */
  ordinal: number;
}

export interface FaultFiring {
  provider: string;
  endpoint: string;
  ordinal: number;
  kind: FaultRule['kind'];
}

/** Decides, deterministically per provider + endpoint request count, which fault (if any) a request gets. */
export class FaultEngine {
  private config: FaultConfig;
  private counters = new Map<string, number>();
  private fired = new Map<number, number>();
  /** Every fault fired so far, in order (tests assert on it). */
  readonly log: FaultFiring[] = [];

  private readonly seed: number;

  constructor(config: string | FaultConfig | undefined, seed = 1) {
    this.config = resolveFaults(config);
    this.seed = seed;
  }

  /** Replaces the rules at runtime and restarts the request counts. */
  configure(config: string | FaultConfig): void {
    this.config = resolveFaults(config);
    this.counters.clear();
    this.fired.clear();
    this.log.length = 0;
  }

  get rules(): readonly FaultRule[] {
    return this.config.rules;
  }

  next(provider: string, endpoint: string, isAuth: boolean): FaultDecision | null {
    const key = `${provider}:${endpoint}`;
    const ordinal = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, ordinal);
    const seed = this.config.seed ?? this.seed;
    for (const [ruleIndex, rule] of this.config.rules.entries()) {
      if (rule.provider && rule.provider !== '*' && rule.provider !== provider) continue;
      const ep = rule.endpoint ?? '*';
      if (ep === '*' ? isAuth && !rule.includeAuth : ep !== endpoint) continue;
      if (rule.limit !== undefined && (this.fired.get(ruleIndex) ?? 0) >= rule.limit) continue;
      const hit =
        (rule.nth?.includes(ordinal) ?? false) ||
        (rule.every !== undefined && rule.every > 0 && ordinal % rule.every === 0) ||
        (rule.rate !== undefined && hashUnit(`${key}:${ordinal}:${ruleIndex}`, seed) < rule.rate);
      if (!hit) continue;
      this.fired.set(ruleIndex, (this.fired.get(ruleIndex) ?? 0) + 1);
      this.log.push({ provider, endpoint, ordinal, kind: rule.kind });
      return { rule, ruleIndex, ordinal };
    }
    return null;
  }
}
