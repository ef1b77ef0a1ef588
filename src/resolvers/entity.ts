/**
 * `_entities` writes `__typename` onto what a reference resolver returns; records can
 * be shared (frozen) store documents, so hand it a copy.
 */
export async function entity<T extends object>(record: Promise<T | null>): Promise<T | null> {
  const found = await record;
  return found && { ...found };
}
