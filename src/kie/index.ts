/** The kie.ai client, polling, retrying and result download. */
export {
  createKieClient,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type CallOptions,
  type CreateTaskRequest,
  type KieClient,
  type KieClientOptions,
} from './client.js';
export {
  downloadResult,
  DEFAULT_MAX_DOWNLOAD_BYTES,
  MAX_REDIRECTS,
  type DownloadOptions,
  type DownloadResult,
} from './download.js';
export { classifyReply, isValidationMessage, parseEnvelope, parseRetryAfter, type Envelope } from './envelope.js';
export {
  DEFAULT_POLL_SCHEDULE,
  DEFAULT_RECORD_GRACE_MS,
  nextPollDelay,
  waitForTask,
  type PollSchedule,
  type WaitForTaskOptions,
} from './poll.js';
export { backoffDelay, isRetryableError, retryDelay, withRetry, type RetryOptions } from './retry.js';
export { sleep } from '../sleep.js';
export { collectResultUrls, normalizeState, normalizeTaskInfo, type TaskInfo, type TaskState } from './task-info.js';
