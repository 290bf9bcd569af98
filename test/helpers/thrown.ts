/** What `fn` throws (undefined when it returns), for tables of error cases. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
