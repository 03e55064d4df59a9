const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Requests per second as a token bucket: `burst` tokens at most, refilled at `rate` per second. Waiters
 * are served in arrival order (one promise chain), so a busy process cannot starve an early caller.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {
    if (!(rate > 0) || !(burst >= 1)) throw new RangeError('token bucket: rate > 0 and burst ≥ 1');
    this.tokens = burst;
  }

  take(): Promise<void> {
    const turn = this.chain.then(() => this.waitForToken());
    this.chain = turn;
    return turn;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }

  private async waitForToken(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
      this.refill();
    }
    this.tokens -= 1;
  }
}

/** At most `limit` holders at once; the rest wait in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError('semaphore: limit ≥ 1');
  }

  get inFlight(): number {
    return this.active;
  }

  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // the slot passes straight to the next waiter, so `active` never dips while someone waits
      if (next) next();
      else this.active--;
    };
  }
}

/** Both limits, taken in this order: a slot first, so tokens are not spent by callers that cannot send yet. */
export class RateLimiter {
  private readonly bucket: TokenBucket;
  private readonly slots: Semaphore;

  constructor(options: { rps: number; burst?: number; maxConcurrency: number }) {
    this.bucket = new TokenBucket(options.rps, options.burst ?? Math.max(1, Math.ceil(options.rps)));
    this.slots = new Semaphore(options.maxConcurrency);
  }

  async acquire(): Promise<() => void> {
    const release = await this.slots.acquire();
    try {
      await this.bucket.take();
    } catch (err) {
      release();
      throw err;
    }
    return release;
  }
}
