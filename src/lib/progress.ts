/**
 * A one-line progress bar on a terminal's stderr. Silent unless stderr is a TTY and the output is
 * not JSON, so pipes and scripts never see it.
 */
export interface Progress {
  update(done: number): void;
  finish(): void;
}

export function progressBar(
  label: string,
  total: number,
  options: { enabled: boolean; write: (s: string) => void },
): Progress {
  if (!options.enabled || total <= 0) return { update: () => {}, finish: () => {} };
  let last = 0;
  const started = Date.now();
  const draw = (done: number) => {
    const fraction = Math.min(1, done / total);
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? done / 1_048_576 / seconds : 0;
    options.write(
      `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${rate.toFixed(1)} MB/s`,
    );
  };
  return {
    update(done) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(done);
    },
    finish() {
      draw(total);
      options.write('\n');
    },
  };
}
