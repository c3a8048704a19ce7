// Messages to the user on stderr: info always, debug only with --verbose. Stdout is reserved for results.

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export function createLogger(verbose: boolean, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  return {
    info: (m) => write(m),
    warn: (m) => write(`warning: ${m}`),
    debug: (m) => {
      if (verbose) write(m);
    },
  };
}
