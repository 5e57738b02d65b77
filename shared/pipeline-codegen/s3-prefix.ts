import { PipelineDefinition } from "./definition";

/**
 * S3 key prefixes for a pipeline's objects: Firehose `!{timestamp:...}` expressions (UTC, arrival time),
 * Hive-style year/month/day/hour folders. The Firehose rules and why arrival time: docs/design.md,
 * "S3 prefixes".
 */

const ARRIVAL_PARTITIONS = "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/";

/**
 * Firehose failures land under this folder, apart from every pipeline's data. It starts with `_`, which no
 * pipeline name can (names start with a letter), so it can never be, or sit inside, a pipeline's data prefix;
 * Spark and Hive also skip `_`-prefixed folders by convention.
 */
export const FIREHOSE_ERROR_ROOT = "_firehose-errors/";

/** Where the load job sets aside the rows it cannot load, with their reasons (JSON Lines), per pipeline. */
export const BAD_ROWS_ROOT = "_bad-rows/";

/** `_bad-rows/<pipeline>/`: the load job's rejected rows, outside the folder the job and the crawler read. */
export function badRowsPrefix(def: PipelineDefinition): string {
    return `${BAD_ROWS_ROOT}${def.name}/`;
}

/** Everything a pipeline lands in the data bucket, and the folder its S3 crawler targets: `<name>/`. */
export function landingPrefix(def: PipelineDefinition): string {
    return `${def.name}/`;
}

/** Firehose `Prefix` for delivered data: `<name>/year=YYYY/month=MM/day=DD/hour=HH/`. */
export function firehosePrefix(def: PipelineDefinition): string {
    return `${landingPrefix(def)}${ARRIVAL_PARTITIONS}`;
}

/**
 * Firehose `ErrorOutputPrefix`: `_firehose-errors/<name>/<error-output-type>/year=.../`, outside the data
 * prefix so the crawler never catalogs failed records as data, with each failure kind in its own folder.
 */
export function firehoseErrorPrefix(def: PipelineDefinition): string {
    return `${FIREHOSE_ERROR_ROOT}${def.name}/!{firehose:error-output-type}/${ARRIVAL_PARTITIONS}`;
}

/** Firehose S3 backup `Prefix` in the raw bucket: the records as received, partitioned like the data. */
export function rawBackupPrefix(def: PipelineDefinition): string {
    return `${def.name}/${ARRIVAL_PARTITIONS}`;
}

/**
 * For the backup configuration's `ErrorOutputPrefix`. The guide says Firehose ignores it for an S3 backup,
 * but the configuration type has the field, and an expression `Prefix` with no error prefix is the one
 * combination Firehose documents as invalid input, so it is set rather than left to chance.
 */
export function rawBackupErrorPrefix(def: PipelineDefinition): string {
    return `${FIREHOSE_ERROR_ROOT}${def.name}/raw/!{firehose:error-output-type}/${ARRIVAL_PARTITIONS}`;
}
