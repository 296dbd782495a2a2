import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type AppConfig } from '../config/app-config';
import { resolveDevelopmentSecrets } from '../config/development-secrets';
import type { CliCommandSpec, CliOutput, CliValues } from '../common/cli/cli-command';
import { terminalSafe } from '../common/text/safe-text';
import { discoverCommands, type DiscoveredCommand } from './cli-command-catalogue';
import { CliModule } from './cli.module';

const consoleOutput: CliOutput = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

function usage(commands: CliCommandSpec[], output: CliOutput): void {
  output.err('Usage: npm run cli -- <command> [options]\n\nCommands:');
  for (const command of commands) {
    output.err(`  ${command.name.padEnd(22)} ${command.summary}`);
    for (const [name, option] of Object.entries(command.options)) {
      const value = option.type === 'string' ? ` <value>` : '';
      output.err(
        `      --${name}${value}${option.required ? ' (required)' : ''}  ${option.description}`,
      );
    }
  }
}

/** Every command, read from the module graph without instantiating anything. */
async function commandCatalogue(): Promise<DiscoveredCommand[]> {
  const preview = await NestFactory.createApplicationContext(CliModule.graph(), {
    preview: true,
    logger: false,
  });
  return discoverCommands(preview);
}

/**
 * Runs one operator command against the same database as the service (SQLite or PostgreSQL, from the same
 * environment variables), on the small {@link CliModule}. Returns the exit code.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  sink: CliOutput = consoleOutput,
): Promise<number> {
  // Usernames, display names and error messages come from users: no control, bidi or invisible character
  // reaches the operator's terminal raw, whichever command prints it.
  const output: CliOutput = {
    out: (line) => sink.out(terminalSafe(line)),
    err: (line) => sink.err(terminalSafe(line)),
  };
  const commands = await commandCatalogue();
  const [name, ...rest] = argv;
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    if (name !== undefined && name !== '--help') output.err(`Unknown command: ${name}\n`);
    usage(commands, output);
    return name === '--help' ? 0 : 2;
  }

  let values: CliValues;
  try {
    values = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.entries(command.options).map(([key, option]) => [
          key,
          { type: option.type, multiple: option.multiple ?? false },
        ]),
      ),
      strict: true,
      allowPositionals: false,
    }).values as CliValues;
  } catch (error) {
    output.err(`${(error as Error).message}\n`);
    usage([command], output);
    return 2;
  }
  const missing = Object.entries(command.options).filter(
    ([key, option]) => option.required && values[key] === undefined,
  );
  if (missing.length > 0) {
    output.err(`Missing option(s): ${missing.map(([key]) => `--${key}`).join(', ')}`);
    return 2;
  }

  let config: AppConfig;
  try {
    // The CLI never creates the bootstrap administrator: it is the tool for when that went wrong.
    config = { ...resolveDevelopmentSecrets(loadConfig(env)), bootstrapAdmin: false };
  } catch (error) {
    if (error instanceof ConfigError) {
      output.err(error.message);
      return 2;
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(CliModule.register(config), {
    logger: ['error', 'warn'],
  });
  try {
    return await app.get(command.type).run(values, output);
  } catch (error) {
    output.err(`${command.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await app.close();
  }
}
