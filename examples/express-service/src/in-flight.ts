/** Counts the sends under way, so a shutdown can refuse new ones and wait for these to finish. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  private draining = false;

  /** True once `drain()` was called: new sends are refused. */
  get closing(): boolean {
    return this.draining;
  }

  /** Sends under way right now. */
  get size(): number {
    return this.running.size;
  }

  /** Run `work`, counted until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Refuse new work from now on; resolve once every tracked send has settled. */
  async drain(): Promise<void> {
    this.draining = true;
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
