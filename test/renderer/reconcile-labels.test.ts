import { describe, expect, it } from 'vitest';
import { RECON_STATES } from '../../src-renderer/src/lib/catalog.ts';
import { reconStateLabel } from '../../src-renderer/src/lib/labels.ts';
import { stateLabel } from '../../src-renderer/src/lib/reconcile-labels.ts';

describe('reconciliation state words', () => {
  it('say a state the way the Transactions list does, wherever it is shown', () => {
    for (const s of RECON_STATES) expect(stateLabel(s)).toBe(reconStateLabel(s));
    // A record in no group (an adjustment, say) is explained with this state: never the raw word.
    expect(stateLabel('not_applicable')).toBe('Nothing to match');
    expect(stateLabel('discrepancy')).toBe("Doesn't add up");
  });
});
