import type { Argv } from 'yargs';
import { ConfigError, defaultConfig, parseConfig as parseEngineConfig, readConfigFile, type TriageConfig } from '../engine/config.js';
import { readOptionalTextFile } from '../ingest/text-file.js';
import { CliError } from './errors.js';

export type { TriageConfig };

/** The file read when no `--config` is given, from the working directory (as ESLint reads its own). */
export const DEFAULT_CONFIG_FILE = 'tracetriage.config.json';

/** Adds `--config <file>` (and `--no-config`) to a command. */
export function configOption<T>(y: Argv<T>) {
  return y.option('config', {
    type: 'string',
    describe: `JSON config: rules, session/user keys, I/O carriers, scorer polarity (docs/config.md); default ./${DEFAULT_CONFIG_FILE} when it exists; --no-config for none`,
  });
}

/**
 * Reads, validates and converts the config: the file `--config` names, else
 * ./tracetriage.config.json when it exists, else the defaults (empty lists, no overrides, every
 * rule at its default); `--no-config` (`false`) means the defaults. Any problem (unreadable file,
 * invalid JSON, a value the schema refuses, an unknown rule id, rule options the rule's schema
 * refuses, a carrier id that repeats one already in the table, an empty numeric range) is a
 * `CliError` naming the file, the JSONPath and what was expected (src/engine/config.ts checks).
 */
export async function loadConfig(option: string | boolean | undefined, cwdFile = DEFAULT_CONFIG_FILE): Promise<TriageConfig> {
  if (option === undefined || option === true) {
    const text = await readOptionalTextFile(cwdFile).catch((error: NodeJS.ErrnoException) => {
      throw new CliError(`cannot read config file ${cwdFile}: ${error.code ?? error.message}`, 'usage');
    });
    return text === null ? defaultConfig() : parseConfig(text, cwdFile);
  }
  if (option === false) return defaultConfig();
  return usage(readConfigFile(option));
}

/** Validates and converts the text of a config file; `name` is what messages call the file. */
export function parseConfig(text: string, name: string): Promise<TriageConfig> {
  return usage(parseEngineConfig(text, name));
}

/** A config the engine refuses is a usage error: one clean line, exit 2. */
async function usage(config: Promise<TriageConfig>): Promise<TriageConfig> {
  try {
    return await config;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, 'usage');
    throw error;
  }
}
