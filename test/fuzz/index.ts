import { CLI_PROPERTIES } from './properties-cli.js';
import { FOREIGN_PROPERTIES } from './properties-foreign.js';
import { INGEST_PROPERTIES } from './properties-ingest.js';
import { QUERY_PROPERTIES } from './properties-query.js';
import { REPORTER_PROPERTIES } from './properties-reporters.js';
import type { FuzzProperty } from './property.js';

/** Every property of the fuzz layer, by name: what `make test`, `make fuzz` and the replay test run. */
export const PROPERTIES: ReadonlyMap<string, FuzzProperty<unknown>> = new Map(
  ([...INGEST_PROPERTIES, ...QUERY_PROPERTIES, ...REPORTER_PROPERTIES, ...FOREIGN_PROPERTIES, ...CLI_PROPERTIES] as Array<FuzzProperty<unknown>>).map((p) => [p.name, p]),
);

/** The seed `make test` runs the layer with: fixed, so a failure there is the same failure everywhere. */
export const SUITE_SEED = 20261203;
