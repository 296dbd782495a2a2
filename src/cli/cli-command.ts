import type { INestApplicationContext } from '@nestjs/common';

/** Where a command writes: stdout for results, stderr for diagnostics. Injected so tests can capture it. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** One `npm run cli -- <name> [--option value]` command. */
export interface CliCommand {
  name: string;
  summary: string;
  /** Options as for node:util parseArgs; every value is a string or boolean. */
  options: Record<
    string,
    {
      type: 'string' | 'boolean';
      description: string;
      required?: boolean;
      /** May be given more than once: the value is then a list. */
      multiple?: boolean;
    }
  >;
  /** Returns the process exit code. */
  run(
    app: INestApplicationContext,
    values: Record<string, string | boolean | string[] | undefined>,
    output: CliOutput,
  ): Promise<number>;
}
