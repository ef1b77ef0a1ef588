/** kafkajs marks errors worth retrying; a wrapped one carries the original as `cause`. */
export function isRetriable(error: unknown): boolean {
  return someInChain(error, (current) => (current as { retriable?: boolean }).retriable === true);
}

export function isTopicNotReady(error: unknown): boolean {
  return hasType(error, 'UNKNOWN_TOPIC_OR_PARTITION') || hasType(error, 'LEADER_NOT_AVAILABLE');
}

/** The broker's answer to a record batch above the topic's `max.message.bytes`. */
export function isMessageTooLarge(error: unknown): boolean {
  return someInChain(error, (current) => {
    const type = (current as { type?: unknown }).type;
    return type === 'MESSAGE_TOO_LARGE' || type === 'RECORD_LIST_TOO_LARGE';
  });
}

function hasType(error: unknown, type: string): boolean {
  return error instanceof Error && 'type' in error && error.type === type;
}

/** Looks through `cause` chains and the `errors` of aggregate errors. */
function someInChain(error: unknown, test: (current: object) => boolean, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 8) return false;
  if (test(error)) return true;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  if (someInChain(cause, test, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => someInChain(inner, test, depth + 1));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
