/**
 * A sliding-window limiter per key, as kie.ai describes its "20 new generation requests per
 * 10 s". Only admitted requests enter the window: a refused request "does not enter the queue",
 * so a client that backs off is not punished for the attempts it made while limited.
 */
export class RateWindow {
  private readonly admitted = new Map<string, number[]>();

  constructor(
    private readonly requests: number,
    private readonly intervalMs: number,
  ) {}

  /** Admits (and records) a request at `now`, or refuses it without recording. */
  tryAdmit(key: string, now: number): boolean {
    const recent = (this.admitted.get(key) ?? []).filter((t) => t > now - this.intervalMs);
    if (recent.length >= this.requests) {
      this.admitted.set(key, recent);
      return false;
    }
    recent.push(now);
    this.admitted.set(key, recent);
    return true;
  }
}
