/**
 * A progress bar on stderr for bulk work, so stdout stays clean for the result (or `--json`).
 * On a terminal it redraws one line; piped, it writes one line per finished item instead.
 */

export class ProgressBar {
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  tick(item: string, note: string): void {
    this.done = Math.min(this.total, this.done + 1);
    const count = `${this.done}/${this.total}`;
    if (!this.out.isTTY) {
      this.out.write(`${this.label} ${count} ${item} ${note}\n`);
      return;
    }
    const filled =
      this.total === 0 ? this.width : Math.round((this.done / this.total) * this.width);
    const bar = `${"█".repeat(filled)}${"░".repeat(this.width - filled)}`;
    const columns = this.out.columns || 100;
    this.out.write(
      `\r\x1b[2K${`${this.label} [${bar}] ${count} ${item} ${note}`.slice(0, columns - 1)}`,
    );
    if (this.done === this.total) this.out.write("\n");
  }
}
