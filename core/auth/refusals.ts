/**
 * Requests refused for their key (none, an unknown or a revoked one), counted per client address
 * in this process, in a fixed window opened by the address's first refusal. Past the budget the
 * address is answered 429 without its key being looked up or its body read: a flood of keyless or
 * guessed-key requests costs neither Redis nor parsing. Counted in memory, not in Redis, because
 * the point is to spend nothing on such requests; each server process counts its own.
 */
export class RefusalsPerAddress {
  private readonly windows = new Map<string, { refused: number; endsAt: number }>();

  /** `limit` 0: no limit. `maxAddresses` bounds the memory a flood from many addresses can take. */
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
    private readonly maxAddresses = 100_000,
  ) {}

  /** Milliseconds until the address may be refused again, 0 while it is under its budget. */
  blockedForMs(address: string): number {
    if (this.limit <= 0) return 0;
    const w = this.windows.get(address);
    if (!w) return 0;
    const left = w.endsAt - this.clock();
    if (left <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return w.refused >= this.limit ? left : 0;
  }

  /** Counts one refusal of the address. */
  refused(address: string): void {
    if (this.limit <= 0) return;
    const now = this.clock();
    const w = this.windows.get(address);
    if (w && w.endsAt > now) {
      w.refused++;
      return;
    }
    if (w) this.windows.delete(address);
    this.forgetEnded(now);
    this.windows.set(address, { refused: 1, endsAt: now + this.windowMs });
  }

  /**
   * Windows are kept in the order they opened (a Map keeps insertion order, and all last as long),
   * so the ended ones are at the front: dropped a few at a time. Full, the oldest open one goes too
   * (its address starts afresh: only a flood from that many addresses gets there).
   */
  private forgetEnded(now: number) {
    for (const [address, w] of this.windows) {
      if (w.endsAt > now && this.windows.size < this.maxAddresses) return;
      this.windows.delete(address);
    }
  }
}
