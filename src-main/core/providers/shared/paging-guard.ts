import { ConnectorError } from '../connector-error.ts';

/**
 * Catches the ways a provider's paging can send a client round in circles, with a message that names
 * the provider and the listing. Every paging loop in every connector runs one guard per listing, so a
 * loop stops on the first page that cannot be trusted instead of after its stream's whole budget:
 * - a cursor, offset, key or link already asked for (`next`): following it again would loop;
 * - a page larger than the size asked for (`size`): the server ignored us, and what else did it ignore;
 * - "more follows" on an empty page (`more`): nothing tells us the next page will not be empty too.
 */
export class PagingGuard {
  private readonly seen = new Set<string>();
  private emptyInARow = 0;
  private readonly provider: string;
  private readonly listing: string;

  /** `listing` completes "…in <listing>", e.g. "the funds feed of ledger 302321". */
  constructor(provider: string, listing: string) {
    this.provider = provider;
    this.listing = listing;
  }

  /** Stops the listing: `what` completes "<provider> …", e.g. "ignored the date range". */
  stop(what: string): never {
    throw new ConnectorError(
      'protocol',
      `${this.provider} ${what} in ${this.listing}, so reading it stopped there to avoid a loop. What was read before is kept; the next sync tries again.`,
    );
  }

  /** The pointer of the next request (`noun`: cursor, offset, key, link); one asked for before is a loop. */
  next(pointer: string, noun = 'cursor'): void {
    if (this.seen.has(pointer)) this.stop(`sent a ${noun} it had already sent`);
    this.seen.add(pointer);
  }

  /** The provider sent records this listing already had, where new ones were due (an ignored offset). */
  again(where: string): never {
    this.stop(`sent the same records again for ${where}`);
  }

  size(got: number, asked: number): void {
    if (got > asked) this.stop(`sent a page of ${got} records when ${asked} were asked for`);
  }

  /**
   * A page that says more follows. `tolerate` empty pages in a row are accepted where the provider
   * documents them (the Vipps date report: "an empty page can follow hasMore").
   */
  more(got: number, tolerate = 0): void {
    this.emptyInARow = got === 0 ? this.emptyInARow + 1 : 0;
    if (this.emptyInARow > tolerate) this.stop(`said more records follow but sent an empty page`);
  }
}
