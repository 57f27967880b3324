/** Per-key credit balances. Each key is its own account, starting from the configured amount. */
export class CreditLedger {
  private readonly balances = new Map<string, number>();

  constructor(private readonly initial: number) {}

  balance(key: string): number {
    return this.balances.get(key) ?? this.initial;
  }

  set(key: string, credits: number): void {
    this.balances.set(key, credits);
  }

  charge(key: string, credits: number): void {
    this.balances.set(key, this.balance(key) - credits);
  }
}
