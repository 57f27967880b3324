/**
 * The process's exit codes, the one list every command returns from (the contract's table, which
 * docs/commands.md and `kieaudio --help` repeat).
 */
export const EXIT = {
  /** everything is up to date */
  ok: 0,
  /** at least one asset could not be generated, downloaded or restored */
  failed: 1,
  /** invalid config, spec or usage: nothing was sent and nothing was written */
  usage: 2,
  /** `--frozen` found work to do */
  frozen: 3,
  /** the budget would be exceeded (--max-credits, budget.maxCredits); nothing was submitted past it */
  budget: 4,
  /** Ctrl-C, SIGTERM or SIGHUP */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
