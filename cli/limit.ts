/**
 * At most `limit` calls of `fn` in flight, results in the order of `items`.
 *
 * Local rather than a dependency: the two limiters in node_modules are only there
 * transitively (p-limit 3 under jest, a dev dependency, so absent for users; its
 * current major is ESM-only and this package compiles to CommonJS; promise-call-limit
 * under @pulumi/pulumi → @npmcli/arborist), and importing a package we do not declare
 * breaks under strict installers (pnpm) or when that chain changes. Ten lines do it.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, not ${limit}`);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  // Each worker takes the next index as soon as it is free; after a rejection no new call starts.
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
