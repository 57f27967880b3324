/**
 * The task store and its state machine. A task's whole life is fixed when it is created (its
 * latency and outcome), and its state at any moment is computed from the clock: no timers run,
 * so a test that moves the clock sees exactly the state it expects, and closing leaves nothing
 * behind.
 */
import type { ResultAudio } from './result-audio.js';
import type { TaskState } from './types.js';
import type { CreateRequest } from './validate-input.js';

export const FAIL_CODE = '500';
export const FAIL_MSG = 'internal error, please try again later';

export interface TaskRecord {
  taskId: string;
  recordId: string;
  apiKey: string;
  request: CreateRequest;
  /** the create body as kie echoes it in recordInfo: a JSON string */
  param: string;
  createdAt: number;
  completesAt: number;
  outcome: 'success' | 'fail';
  /** credits charged: the price on success, 0 on failure */
  credits: number;
  audio: ResultAudio;
  /**
   * Set for successful tasks: the URL path the result is served at. The bytes are not kept: they
   * are rendered again from `audio` and the task id whenever asked (the same bytes every time),
   * so that a simulator serving thousands of results, as the one `--offline` starts in the
   * build's own process, does not hold them all.
   */
  resultPath: string | undefined;
  /** once a plain fetch of the result drew resultUrlForbidden, it stays forbidden */
  forbidden: boolean;
  /** recordInfo answers given for it (429s not counted), for the polling benchmark */
  polls: number;
  /** when a recordInfo answer first showed the task finished, for the polling benchmark */
  doneSeenAt: number | undefined;
}

const IN_FLIGHT: readonly TaskState[] = ['waiting', 'queuing', 'generating'];

/** waiting, queuing and generating each take a third of the latency, then the outcome holds. */
export function stateAt(task: TaskRecord, now: number): TaskState {
  if (now >= task.completesAt) return task.outcome;
  const latency = task.completesAt - task.createdAt;
  const phase = Math.floor((3 * Math.max(0, now - task.createdAt)) / latency);
  return IN_FLIGHT[Math.min(phase, IN_FLIGHT.length - 1)] ?? 'waiting';
}

/** When the state last changed, as recordInfo's updateTime reports it. */
export function updatedAt(task: TaskRecord, now: number): number {
  if (now >= task.completesAt) return task.completesAt;
  const latency = task.completesAt - task.createdAt;
  const phase = Math.min(2, Math.floor((3 * Math.max(0, now - task.createdAt)) / latency));
  return task.createdAt + Math.floor((phase * latency) / 3);
}

export class TaskStore {
  private readonly byId = new Map<string, TaskRecord>();
  private readonly byPath = new Map<string, TaskRecord>();

  add(task: TaskRecord): void {
    this.byId.set(task.taskId, task);
    if (task.resultPath) this.byPath.set(task.resultPath, task);
  }

  get(taskId: string): TaskRecord | undefined {
    return this.byId.get(taskId);
  }

  /** The task whose result is served at `path` (URL path, no query). */
  byResultPath(path: string): TaskRecord | undefined {
    return this.byPath.get(path);
  }
}
