/**
 * GET /api/v1/jobs/recordInfo?taskId=. Answers with `message` rather than `msg`, as the Get Task
 * Details doc page shows, and with `param`/`resultJson` as JSON strings and `failCode` as a
 * string. A task is "null" when unknown, owned by another key, not visible yet
 * (recordInvisibleMs) or expired (resultTtlMs).
 */
import { sendApiError, sendRateLimited, sendSuccess } from '../http/respond.js';
import { FAIL_CODE, FAIL_MSG, stateAt, type TaskRecord, updatedAt } from '../tasks.js';
import { timingData } from '../timing-data.js';
import type { TimingShape } from '../types.js';
import type { ApiCall } from './api-call.js';

export const RECORD_NULL_MSG = 'recordInfo is null';

export function recordInfo({ ctx, res, url, key }: ApiCall): void {
  const now = ctx.now();
  if (ctx.pollLimiter && !ctx.pollLimiter.tryAdmit(key, now)) {
    sendRateLimited(ctx, res);
    return;
  }
  const taskId = url.searchParams.get('taskId');
  if (!taskId) {
    sendApiError(ctx, res, 400, 'taskId is required', 'message');
    return;
  }
  const task = ctx.tasks.get(taskId);
  if (
    task === undefined ||
    task.apiKey !== key ||
    now - task.createdAt < ctx.dice.faults.recordInvisibleMs ||
    now >= task.completesAt + ctx.options.resultTtlMs
  ) {
    sendApiError(ctx, res, 422, RECORD_NULL_MSG, 'message');
    return;
  }
  task.polls++;
  if (task.doneSeenAt === undefined && now >= task.completesAt) task.doneSeenAt = now;
  sendSuccess(res, recordData(task, now, ctx.baseUrl, ctx.options.timings), 'message');
}

function recordData(task: TaskRecord, now: number, baseUrl: string, timings: TimingShape): Record<string, unknown> {
  const state = stateAt(task, now);
  const done = state === 'success' || state === 'fail';
  const result = () => ({ resultUrls: [baseUrl + task.resultPath], ...timingData(task, timings) });
  return {
    taskId: task.taskId,
    model: task.request.model,
    state,
    param: task.param,
    resultJson: state === 'success' && task.resultPath ? JSON.stringify(result()) : '',
    failCode: state === 'fail' ? FAIL_CODE : '',
    failMsg: state === 'fail' ? FAIL_MSG : '',
    costTime: done ? task.completesAt - task.createdAt : null,
    createTime: task.createdAt,
    updateTime: updatedAt(task, now),
    completeTime: done ? task.completesAt : null,
    creditsConsumed: state === 'success' ? task.credits : 0,
  };
}
