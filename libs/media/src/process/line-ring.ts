/** A bounded ring of the most recent text lines (diagnostics of a child process). */
export class LineRing {
  private readonly lines: string[] = [];

  /** @param capacity lines kept; older ones are dropped. @param maxLineLength characters kept per line. */
  constructor(
    private readonly capacity = 50,
    private readonly maxLineLength = 500,
  ) {}

  push(line: string): void {
    this.lines.push(line.length > this.maxLineLength ? `${line.slice(0, this.maxLineLength)}…` : line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  /** The kept lines, oldest first (a copy). */
  toArray(): string[] {
    return this.lines.slice();
  }
}
