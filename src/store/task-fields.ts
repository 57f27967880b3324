/** The task that made a result: its id, the API it was created on, and when. */
export interface TaskFields {
  taskId?: string;
  baseUrl?: string;
  generatedAt?: string;
}

/**
 * What a lock entry or cache record says of the task that made its result, to carry along with
 * the result: none of it without a task id, and no field that is unset.
 */
export function taskFieldsOf(
  from: { taskId?: string | undefined; baseUrl?: string | undefined; generatedAt?: string | undefined } | undefined,
): TaskFields {
  if (from?.taskId === undefined) return {};
  const { taskId, baseUrl, generatedAt } = from;
  return { taskId, ...(baseUrl === undefined ? {} : { baseUrl }), ...(generatedAt === undefined ? {} : { generatedAt }) };
}
