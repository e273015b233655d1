// Tier vectors are ordered lexicographically, tier 1 first (RULES.md §6.1); several tests compare them.

/** Negative, zero or positive as a is lexicographically below, equal to or above b. */
export function compareLex(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
