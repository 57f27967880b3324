/** The library API: the CLI is a thin shell over these. */
export { type AssetFailure, type BuildOptions, type BuildResult, build } from './build/build.js';
export {
  type CheckedAsset,
  type CheckedScene,
  type CheckOptions,
  type CheckProblem,
  type CheckProblemKind,
  type CheckResult,
  check,
} from './commands/check.js';
export { type CleanOptions, type CleanResult, clean } from './commands/clean.js';
export { type ProjectCost, projectCost } from './commands/cost.js';
export { credits } from './commands/credits.js';
export { type ExportStringsOptions, type ExportStringsResult, exportStrings } from './commands/export-strings.js';
export { type InitResult, init } from './commands/init.js';
export { type PinOptions, type PinResult, pin, type UnpinResult, unpin } from './commands/pin.js';
export { type PlanOptions, type PlanResult, plan } from './commands/plan.js';
export { type ReportCommandOptions, report } from './commands/report.js';
export { type AssetStatus, type StatusEntry, type StatusResult, status } from './commands/status.js';
export { type TakeRow, type TakesOptions, type TakesResult, takes } from './commands/takes.js';
export { ApiError, type Diagnostic, type ErrorCode, KieaudioError, ValidationError } from './errors.js';
export type { BuildEvent, BuildSummary, FileChange, WatchEvent } from './events.js';
export type { Action, Orphan, Plan, PlannedAsset, StaleCause } from './plan/decide.js';
export type { AssetEstimate, EstimateBasis } from './plan/estimate.js';
export type { EstimatedItem, PlanEstimate } from './plan/plan-estimate.js';
export type { AssetKind, CheckSettings, Project, ResolvedAsset, ResolvedConfig } from './project.js';
export { specHash } from './spec/hash.js';
export { findConfig, loadProject } from './spec/load.js';
export type { CommonOptions } from './spec/prepare.js';
export { type Watcher, type WatchOptions, watch } from './watch/watch.js';
