/**
 * The per-connection message-rate guard: an abuse guard, not a typing-speed gate.
 *
 * A token bucket refilled by wall-clock time at `perSecond`, holding `burst` tokens — except that
 * the time since the connection's previous message is credited in full (up to `maxCreditMs`), not
 * capped at the burst. Messages are judged when they are processed, not when they arrived: after
 * an event-loop stall of S seconds, everything an honest client sent during the stall is handled
 * in one go. It arrived over S seconds, so it may use S seconds' worth of tokens; a client that
 * sends faster than `perSecond` on average still runs dry and is closed, stall or not.
 */
export class RateGuard {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxCreditMs: number,
    now = Date.now(),
  ) {
    this.tokens = burst
    this.last = now
  }

  /** Takes one token for a message processed at `now`; false when the connection is over the limit. */
  take(now = Date.now()): boolean {
    const elapsedMs = Math.max(0, now - this.last)
    this.last = now
    const credit = (Math.min(elapsedMs, this.maxCreditMs) / 1000) * this.perSecond
    // The bucket may hold more than the burst right after a gap: that credit is the gap's own time
    // (and is spent by the messages processed next; refilling never takes tokens away).
    const cap = Math.max(this.burst, credit)
    this.tokens = Math.max(this.tokens, Math.min(cap, this.tokens + credit))
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
