/**
 * The export's progress on stderr: on a terminal, one line per kind redrawn in
 * place (a spinner and the time while the driver reads, then the count); when
 * not a TTY (CI, a pipe), one plain line per event.
 *
 * Hand-written rather than a library: the progress libraries in node_modules
 * (ora, cli-progress, listr…) are not dependencies of this package, and the
 * driver's `list()` reports a kind only when it is whole, so a bar per page has
 * nothing to show; a dozen lines of ANSI do it.
 */
import type { Kind } from "../../sdk/drivers/driver";
import { KINDS } from "../../sdk/drivers/driver";
import type { ReadProgress } from "./read";

const LABEL: Record<Kind, string> = {
  user: "users",
  incomingNumber: "incoming numbers",
  userGroup: "user groups",
  functionKey: "function keys",
  forwarding: "forwardings",
  device: "devices",
};

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export class Progress implements ReadProgress {
  private readonly state = new Map<Kind, { start: number; count?: number; failed?: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private drawn = 0;
  private frame = 0;

  constructor(
    private readonly out: ProgressStream,
    private readonly tty = !!out.isTTY,
    private readonly now: () => number = Date.now,
  ) {}

  started(kind: Kind): void {
    this.state.set(kind, { start: this.now() });
    if (!this.tty) return;
    if (!this.timer) this.timer = setInterval(() => this.draw(), 100);
    this.draw();
  }

  done(kind: Kind, count: number): void {
    const s = this.state.get(kind)!;
    s.count = count;
    if (this.tty) this.draw();
    else this.out.write(`read ${count} ${LABEL[kind]} in ${this.seconds(s.start)} s\n`);
  }

  failed(kind: Kind, _error: unknown): void {
    const s = this.state.get(kind)!;
    s.failed = true;
    if (this.tty) this.draw();
    else this.out.write(`reading ${LABEL[kind]} failed after ${this.seconds(s.start)} s\n`);
  }

  /** Stops redrawing (the last frame stays on screen). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.draw();
  }

  private seconds(start: number): string {
    return ((this.now() - start) / 1000).toFixed(1);
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    const lines = KINDS.filter((k) => this.state.has(k)).map((k) => {
      const s = this.state.get(k)!;
      if (s.failed) return `✗ ${LABEL[k]}: failed`;
      if (s.count !== undefined) return `✓ ${LABEL[k]}: ${s.count} read`;
      return `${FRAMES[this.frame]} ${LABEL[k]}: reading… ${this.seconds(s.start)} s`;
    });
    // Back to the first line drawn, then each line cleared and rewritten.
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    this.out.write(up + lines.map((l) => `\r\x1b[2K${l}\n`).join(""));
    this.drawn = lines.length;
  }
}
