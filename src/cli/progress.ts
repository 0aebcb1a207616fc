/** Progress on stderr, only when a person is watching it (a terminal). */
export const progress = (label: string) => {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(n: number) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      process.stderr.write(`\r${label} ${n.toLocaleString('en-US')}…`);
    },
    done() {
      if (tty && last > 0) process.stderr.write('\r\x1b[K');
    },
  };
};
