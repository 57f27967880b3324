/**
 * The API client as a build uses it: every status poll first takes a slot from a budget shared
 * by all workers (kie.ai caps recordInfo at 10 per second), spaced evenly so a hundred tasks in
 * flight do not poll in bursts, and handed to the task likeliest to have finished
 * (kie/priority-gate.ts).
 */
import type { KieClient } from './client.js';
import { createPriorityGate } from './priority-gate.js';
import type { RateLimiter } from './rate-limiter.js';

export function withPollBudget(client: KieClient, polls: RateLimiter): KieClient {
  const gate = createPriorityGate(polls);
  return {
    createTask: (req, opts) => client.createTask(req, opts),
    async getTask(taskId, opts) {
      const release = await gate.acquire(opts?.priority ?? 0, opts?.signal);
      try {
        return await client.getTask(taskId, opts);
      } finally {
        release();
      }
    },
    getDownloadUrl: (url, opts) => client.getDownloadUrl(url, opts),
    getCredits: (opts) => client.getCredits(opts),
    close: () => client.close(),
  };
}
