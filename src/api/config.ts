import { checkConfig, defaultConfig, parseConfig as parseConfigText, readConfigFile, type ConfigFile, type TriageConfig } from '../engine/config.js';

/**
 * Reads, validates and converts a config file (docs/config.md), as `--config <path>` does. Throws
 * a `ConfigError` naming the file, the JSONPath and what was expected. Unlike the CLI, nothing is
 * read from the working directory when no path is given: pass no config for the defaults.
 */
export function loadConfig(path: string): Promise<TriageConfig> {
  return readConfigFile(path);
}

/**
 * Validates and converts a config given as the text of a file or as the object that text holds
 * (snake_case, `schema_version: 1`); `name` is what error messages and `analyze`'s summary call it.
 */
export function parseConfig(config: string | ConfigFile, name = '(config object)'): Promise<TriageConfig> {
  return typeof config === 'string' ? parseConfigText(config, name) : checkConfig(config, name);
}

/** The config given, or the defaults (every rule at its default, no extra keys). */
export function configOf(config: TriageConfig | undefined): TriageConfig {
  return config ?? defaultConfig();
}
