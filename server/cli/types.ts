import type { Readable, Writable } from 'node:stream';
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/** What a CLI command receives. */
export interface CliInput {
  config: Config;
  logger: Logger;
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  stdin: Readable;
  stdout: Writable;
}

/** An operator command: its options (node:util parseArgs) and what it does; returns the exit code. */
export interface CliCommand {
  options: NonNullable<ParseArgsConfig['options']>;
  run(input: CliInput): Promise<number>;
}
