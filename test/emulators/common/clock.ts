/** An injectable clock so that tests can expire sessions and tokens without waiting. */
export interface Clock {
  now(): number;
}

/** Wall clock plus a manual offset: `advance(ms)` moves time forward for everything that reads it. */
export class ManualClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: () => number = Date.now) {}
  now(): number {
    return this.base() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
