import type { TestingModuleBuilder } from '@nestjs/testing';
import { LOG_DESTINATION } from '../../src/logging/app-logger';

/** Everything the app logs, as the JSON lines it wrote. */
export class LogCapture {
  readonly chunks: string[] = [];

  /** pino's destination interface. */
  write(chunk: string): void {
    this.chunks.push(chunk);
  }

  get text(): string {
    return this.chunks.join('');
  }

  records(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** For createTestApp({ override }): send the app's logs here instead of stdout. */
  override() {
    return (builder: TestingModuleBuilder) =>
      builder.overrideProvider(LOG_DESTINATION).useValue(this);
  }
}
