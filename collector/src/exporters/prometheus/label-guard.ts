// Bounds the label values a client can create: each label keeps the first values it sees, every later one is
// replaced by `other`. Deterministic (first come, first kept) and constant memory: a client sending a new model name
// per span cannot grow the series count or the collector's memory.

/** The value every label value past the limit is replaced by. */
export const OTHER_LABEL_VALUE = 'other';

/** Longer values are folded too: one label value must not hold megabytes of a request in memory for good. */
export const MAX_LABEL_VALUE_LENGTH = 256;

export class LabelGuard {
  readonly #maxValues: number;
  readonly #kept = new Map<string, Set<string>>();
  readonly #onFold: (label: string) => void;

  /**
   * @param maxValues most distinct values one label takes, `other` included: the first `maxValues - 1` values are
   *   kept, later ones become `other`. The empty value (label not set) is always kept and not counted.
   * @param onFold called once per folded value occurrence, with the label name.
   */
  constructor(maxValues: number, onFold: (label: string) => void) {
    this.#maxValues = Math.max(1, Math.floor(maxValues));
    this.#onFold = onFold;
  }

  /** `value`, or `other` when `label` already has its share of distinct values (or the value is too long). */
  value(label: string, value: string): string {
    if (value === '' || value === OTHER_LABEL_VALUE) return value;
    let kept = this.#kept.get(label);
    if (!kept) {
      kept = new Set();
      this.#kept.set(label, kept);
    }
    if (kept.has(value)) return value;
    if (value.length <= MAX_LABEL_VALUE_LENGTH && kept.size < this.#maxValues - 1) {
      kept.add(value);
      return value;
    }
    this.#onFold(label);
    return OTHER_LABEL_VALUE;
  }

  /** Distinct values kept for `label` (not counting `other` and the empty value). */
  keptCount(label: string): number {
    return this.#kept.get(label)?.size ?? 0;
  }
}
