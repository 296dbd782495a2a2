import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

/** Where a command writes: stdout for results, stderr for diagnostics. Injected so tests can capture it. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface CliOption {
  type: 'string' | 'boolean';
  description: string;
  required?: boolean;
  /** May be given more than once: the value is then a list. */
  multiple?: boolean;
}

/** What `npm run cli -- <name> [--option value]` shows and parses before anything starts. */
export interface CliCommandSpec {
  name: string;
  summary: string;
  /** Options as for node:util parseArgs; every value is a string or boolean. */
  options: Record<string, CliOption>;
}

export type CliValues = Record<string, string | boolean | string[] | undefined>;

/** A command's behaviour: its dependencies come by injection from the feature's core module. */
export interface CliCommandRunner {
  /** Returns the process exit code. */
  run(values: CliValues, output: CliOutput): Promise<number>;
}

const discoverable = DiscoveryService.createDecorator<CliCommandSpec>();

/** The metadata key the CLI discovers commands by. */
export const CLI_COMMAND = discoverable.KEY;

/**
 * Marks a provider as an operator command. The CLI finds every provider so marked among the modules it imports:
 * a feature adds a command by providing it, with nothing to list elsewhere.
 */
export function CliCommand(spec: CliCommandSpec): ClassDecorator {
  return applyDecorators(Injectable(), discoverable(spec));
}
