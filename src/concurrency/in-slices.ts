/**
 * `work` for every item, at most `size` at a time: each slice is waited for whole before
 * the next starts, so no work is left running when one fails. Rejects with the first
 * failure of the slice it happened in; later slices do not start.
 */
export async function inSlices<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let from = 0; from < items.length; from += size) {
    const settled = await Promise.allSettled(items.slice(from, from + size).map(work));
    for (const outcome of settled) {
      if (outcome.status === 'rejected') throw outcome.reason;
      results.push(outcome.value);
    }
  }
  return results;
}
