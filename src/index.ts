/** The library API: the CLI is a thin shell over these. */
export { build, type BuildOptions, type BuildResult, type AssetFailure } from './build/build.js';
export { plan, type PlanOptions, type PlanResult } from './commands/plan.js';
export { status, type StatusResult, type StatusEntry, type AssetStatus } from './commands/status.js';
export { clean, type CleanOptions, type CleanResult } from './commands/clean.js';
export { credits } from './commands/credits.js';
export { init, type InitResult } from './commands/init.js';
export { loadProject, findConfig } from './spec/load.js';
export type { CommonOptions } from './spec/prepare.js';
export { watch, type WatchOptions, type Watcher } from './watch/watch.js';
export type { BuildEvent, BuildSummary, WatchEvent, FileChange } from './events.js';
export type { Plan, PlannedAsset, Action, Orphan, StaleCause } from './plan/decide.js';
export type { Project, ResolvedAsset, ResolvedConfig, AssetKind } from './project.js';
export { KieaudioError, ValidationError, ApiError, type Diagnostic, type ErrorCode } from './errors.js';
export { specHash } from './spec/hash.js';
