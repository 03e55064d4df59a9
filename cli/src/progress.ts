import type { Output } from './command.js';

/** One progress line on a terminal (redrawn in place); plain periodic lines when output is piped. */
export class Progress {
  private lastPlain = 0;
  private drawn = false;

  constructor(private readonly stream: Output) {}

  update(label: string, done: number, total: number, extra = ''): void {
    const ratio = total ? Math.min(1, done / total) : 1;
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(ratio * width);
      this.stream.write(`\r${label.padEnd(10)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${extra}`.padEnd(80));
      this.drawn = true;
    } else if (Date.now() - this.lastPlain > 2000 || done === total) {
      this.lastPlain = Date.now();
      this.stream.write(`${label} ${done}/${total} ${extra}`.trimEnd() + '\n');
    }
  }

  /** Ends the line being redrawn, if any. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
