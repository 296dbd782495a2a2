import type { INestApplicationContext, Type } from '@nestjs/common';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import { CLI_COMMAND, type CliCommandRunner, type CliCommandSpec } from '../common/cli/cli-command';

export interface DiscoveredCommand extends CliCommandSpec {
  type: Type<CliCommandRunner>;
}

/**
 * The `@CliCommand` providers among the modules of `app`, sorted by name. Read from the classes, so it works on a
 * preview context (module graph only, nothing instantiated): usage and option errors need no configuration and
 * touch no database.
 */
export function discoverCommands(app: INestApplicationContext): DiscoveredCommand[] {
  // Built by hand: in a preview context the DiscoveryService provider itself is not instantiated.
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const commands = discovery.getProviders({ metadataKey: CLI_COMMAND }).map((wrapper) => {
    const type = wrapper.metatype as Type<CliCommandRunner>;
    return { ...(Reflect.getMetadata(CLI_COMMAND, type) as CliCommandSpec), type };
  });
  const names = new Set<string>();
  for (const command of commands) {
    if (names.has(command.name)) throw new Error(`Two CLI commands are named ${command.name}`);
    names.add(command.name);
  }
  return commands.sort((a, b) => a.name.localeCompare(b.name));
}
