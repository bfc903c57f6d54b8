/**
 * Collects what was wrong with a capture's content. A corrupt file can produce the same problem
 * millions of times, so problems are counted per kind (a fixed set of strings in the code) and only
 * the first occurrence's detail is kept: the warning list stays small whatever the input.
 */
export class Diagnostics {
  private readonly counts = new Map<string, { count: number; firstDetail: string }>();
  private fatal: string | null = null;

  /** Records one occurrence of a recoverable problem; reading goes on. */
  note(kind: string, detail = ""): void {
    const seen = this.counts.get(kind);
    if (seen) seen.count++;
    else this.counts.set(kind, { count: 1, firstDetail: detail });
  }

  /** Records why reading stopped early; the first reason wins. */
  stop(reason: string): void {
    this.fatal ??= reason;
  }

  get stopped(): boolean {
    return this.fatal !== null;
  }

  warnings(): string[] {
    const lines: string[] = [];
    if (this.fatal !== null) lines.push(`reading stopped early: ${this.fatal}`);
    for (const [kind, { count, firstDetail }] of this.counts) {
      const detail = firstDetail ? ` (first: ${firstDetail})` : "";
      lines.push(count === 1 ? `${kind}${detail}` : `${kind} ×${count}${detail}`);
    }
    return lines;
  }
}
