/** The public view of a task (`sim.task(id)`), a copy so that tests cannot alter what is served. */
import { renderResultAudio } from './result-audio.js';
import { stateAt, type TaskRecord } from './tasks.js';
import type { ResultAudioSource, SimTask } from './types.js';

export function snapshotTask(task: TaskRecord, now: number, baseUrl: string, resultAudio?: ResultAudioSource): SimTask {
  return {
    taskId: task.taskId,
    recordId: task.recordId,
    apiKey: task.apiKey,
    model: task.request.model,
    input: structuredClone(task.request.input),
    callBackUrl: task.request.callBackUrl,
    state: stateAt(task, now),
    outcome: task.outcome,
    createdAt: task.createdAt,
    completesAt: task.completesAt,
    credits: task.credits,
    polls: task.polls,
    doneSeenAt: task.doneSeenAt,
    format: task.audio.format,
    durationSeconds: task.audio.durationSeconds,
    resultUrl: task.resultPath ? baseUrl + task.resultPath : undefined,
    contentType: task.resultPath ? task.audio.contentType : undefined,
    result: task.resultPath ? resultBytes(task, resultAudio) : undefined,
  };
}

/** What a task's result is served as: the test's own bytes (SimulatorOptions.resultAudio), else generated audio. */
export function resultBytes(task: TaskRecord, resultAudio: ResultAudioSource | undefined): Buffer {
  const own = resultAudio?.({ taskId: task.taskId, model: task.request.model, input: task.request.input });
  return own ?? renderResultAudio(task.audio, task.taskId);
}
