/**
 * POST /api/v1/jobs/createTask. Order of refusals: rate limit (burst fault, then the sliding
 * window), then the body, then credits; only then is a task made. A task's latency and outcome
 * are drawn here, and a task that will succeed is charged here, so a create whose answer is lost
 * is still paid for — exactly the case a client must never resend blindly.
 */
import { randomBytes } from 'node:crypto';
import { parseJson } from '../http/read-body.js';
import { dropConnection, sendApiError, sendRateLimited, sendSuccess } from '../http/respond.js';
import { taskPrice } from '../pricing.js';
import { planResultAudio } from '../result-audio.js';
import type { TaskRecord } from '../tasks.js';
import { type CreateRequest, validateCreateBody } from '../validate-input.js';
import type { ApiCall } from './api-call.js';

export const INSUFFICIENT_CREDITS_MSG = 'insufficient credits';

export function createTask({ ctx, res, key, body }: ApiCall): void {
  const now = ctx.now();
  if (ctx.dice.roll('burst429')) {
    sendRateLimited(ctx, res);
    return;
  }
  if (ctx.createLimiter && !ctx.createLimiter.tryAdmit(key, now)) {
    sendRateLimited(ctx, res);
    return;
  }

  const parsed = parseJson(body);
  if (!parsed.ok) {
    sendApiError(ctx, res, 422, 'request body is not valid JSON');
    return;
  }
  const validation = validateCreateBody(parsed.value);
  if (!validation.ok) {
    sendApiError(ctx, res, validation.code, validation.msg);
    return;
  }
  const { request } = validation;

  const price = taskPrice(request.kind, request.input);
  if (ctx.credits.balance(key) < price) {
    sendApiError(ctx, res, 402, INSUFFICIENT_CREDITS_MSG);
    return;
  }

  const task = newTask(ctx, key, request, { param: JSON.stringify(parsed.value), price, now });
  ctx.tasks.add(task);
  ctx.stats.count('tasksCreated');
  ctx.stats.created(request.model, request.input);
  if (task.credits > 0) {
    ctx.credits.charge(key, task.credits);
    ctx.stats.charge(request.model, request.input, task.credits);
  }

  if (ctx.dice.roll('lostCreateResponse')) {
    dropConnection(res);
    return;
  }
  sendSuccess(res, { taskId: task.taskId, recordId: task.recordId });
}

/** A new task: its latency and outcome drawn now, its result's form planned from the request. */
function newTask(ctx: ApiCall['ctx'], key: string, request: CreateRequest, at: { param: string; price: number; now: number }): TaskRecord {
  const { now, price } = at;
  const taskId = randomBytes(16).toString('hex');
  const outcome = ctx.dice.roll('taskFail') ? 'fail' : 'success';
  const { tail } = ctx.options.latencyMs;
  const { min, max } = tail !== undefined && ctx.latencyRandom() < tail.share ? tail : ctx.options.latencyMs;
  // at least 1 ms: a task is never finished at the instant it is created
  const latency = Math.max(1, Math.round(min + ctx.latencyRandom() * (max - min)));
  const planned = planResultAudio(request.kind, request.input);
  const audio = ctx.options.resultSeconds === undefined ? planned : { ...planned, durationSeconds: ctx.options.resultSeconds };
  const task: TaskRecord = {
    taskId,
    recordId: randomBytes(16).toString('hex'),
    apiKey: key,
    request,
    param: at.param,
    createdAt: now,
    completesAt: now + latency,
    outcome,
    credits: outcome === 'success' ? price : 0,
    audio,
    // random directory: result URLs must not look rebuildable from the task id
    resultPath: outcome === 'success' ? `/files/${randomBytes(8).toString('hex')}/${taskId}.${audio.extension}` : undefined,
    forbidden: false,
    polls: 0,
    doneSeenAt: undefined,
  };
  return task;
}
