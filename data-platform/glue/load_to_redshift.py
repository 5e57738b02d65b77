"""Glue ETL job: load one pipeline's landed S3 data into Redshift, exactly once per merge key.

Checks every line before Spark casts it (bad rows set aside under `_bad-rows/`, never stopping the load),
then merges through a staging table. The flow, why it reads S3 rather than the catalog, and which parts
run without AWS (for the tests): docs/design.md, "The load job".
"""

import datetime
import json
import math
import re
import sys
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

# Arguments every run needs; Glue passes them as `--name value` and getResolvedOptions fails fast when
# one is missing. TempDir is the job's standard `--TempDir`, used as the connector's S3 staging area.
# source_path is the pipeline's landing prefix, `s3://<bucket>/<prefix>/`, which the job lists itself.
REQUIRED_ARGUMENTS = [
    "JOB_NAME",
    "source_path",
    "redshift_url",
    "target_table",
    "merge_key",
    "column_mapping",
    "TempDir",
    "bad_rows_path",
    "metrics_namespace",
    "aws_region",
]

# bad_rows_path is `s3://<landing bucket>/_bad-rows/<pipeline>/`, where rows the checks refuse are written;
# metrics_namespace is the CloudWatch namespace of the job's BadRows metric (the stack's alarm watches it);
# aws_region is where the job's own S3 and CloudWatch calls go: in the connection's VPC only the regional
# endpoints are reachable (the S3 gateway endpoint, the monitoring interface endpoint), never a global one.
# redshift_url is an IAM JDBC URL, `jdbc:redshift:iam://<host>:<port>/<database>?groupFederation=true`: the
# Redshift JDBC driver gets temporary database credentials for the job's own IAM role (a cluster's
# GetClusterCredentialsWithIAM, a workgroup's GetCredentials), so the job signs in as the database user
# `IAMR:<job role>` the deploy created with its loader grants, and no password exists anywhere
# ("Authenticating with the Spark connector", "Options for JDBC driver version 2.x configuration").

# Optional: the IAM role ARN Redshift assumes to COPY from TempDir (the connector's `aws_iam_role`).
# Without it the connector uses the credentials of the Glue job. JOB_RUN_ID names the bad-rows folder.
OPTIONAL_ARGUMENTS = ["redshift_iam_role", "JOB_RUN_ID"]

# Redshift folds unquoted identifiers to lower case and allows 127 bytes. Names are restricted to the
# portable lower-case subset so that quoting never changes their meaning (quoted identifiers are case
# sensitive in PostgreSQL) and so that no name can carry `;` or `%s`, which the connector treats
# specially inside preactions/postactions.
IDENTIFIER_PATTERN = re.compile(r"^[a-z_][a-z0-9_]*$")
MAX_IDENTIFIER_BYTES = 127

# The session time zone of every cast: a landed timestamp is text without an offset ("2020-06-01 00:00:24"),
# which Spark interprets in the session time zone; the pipeline's timestamps are UTC, and so is Redshift's
# `timestamp` (without time zone) column they load into.
SESSION_TIME_ZONE = "UTC"

STAGING_SUFFIX = "_staging"
# Window-function alias inside the merge; a column of that name would be shadowed, so it is refused.
ROW_NUMBER_ALIAS = "glue_load_row_number"


class JobArgumentError(ValueError):
    """A job argument is malformed; the message names the argument (and element/field) and the rule."""


@dataclass(frozen=True)
class ColumnMapping:
    """One column: which field of the landed JSON it comes from and what it becomes in Redshift."""

    source: str
    source_type: str
    target: str
    target_type: str
    # The effective UTF-8 byte limit for text columns (maxBytes, or the char/varchar length); None otherwise.
    max_bytes: Optional[int]
    nullable: bool
    # Type names for Glue ApplyMapping and for a Spark SQL cast (used to add a column absent from a batch).
    glue_source_type: str
    glue_target_type: str
    spark_type: str


@dataclass(frozen=True)
class RedshiftType:
    glue_type: str
    spark_type: str
    length: Optional[int]


# ---------------------------------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------------------------------


def validate_identifier(name: object, field: str) -> str:
    """Returns `name` if it is a portable lower-case SQL identifier, else raises naming `field`."""
    if not isinstance(name, str) or name == "":
        raise JobArgumentError(f"{field} must be a non-empty string, got {name!r}")
    if not IDENTIFIER_PATTERN.match(name):
        raise JobArgumentError(
            f"{field} {name!r} is not a valid identifier: use lower-case letters, digits and '_', "
            "not starting with a digit"
        )
    if len(name.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
        raise JobArgumentError(f"{field} {name!r} is longer than Redshift's {MAX_IDENTIFIER_BYTES}-byte identifier limit")
    return name


def quote_identifier(name: str) -> str:
    """Double-quotes an identifier, so reserved words such as `location` or `network` are plain names.

    Every identifier is quoted, not only reserved ones: no keyword list to keep in step with Redshift, and
    the validated names are lower case, so quoting them means the same as leaving them unquoted.
    """
    validate_identifier(name, "identifier")
    return f'"{name}"'


def split_table_name(target_table: object) -> Tuple[str, str]:
    """`schema.table` -> (schema, table), both validated."""
    if not isinstance(target_table, str) or target_table.count(".") != 1:
        raise JobArgumentError(f"target_table must be 'schema.table', got {target_table!r}")
    schema, table = target_table.split(".")
    return validate_identifier(schema, "target_table schema"), validate_identifier(table, "target_table table")


# ---------------------------------------------------------------------------------------------------
# Types and the column mapping
# ---------------------------------------------------------------------------------------------------

_HIVE_SIMPLE_TYPES = {
    "string": "string",
    "tinyint": "byte",
    "smallint": "short",
    "int": "int",
    "integer": "int",
    "bigint": "long",
    "float": "float",
    "double": "double",
    "boolean": "boolean",
    "timestamp": "timestamp",
    "date": "date",
}
_HIVE_CHAR_PATTERN = re.compile(r"^(?:var)?char\(\d+\)$")
_DECIMAL_PATTERN = re.compile(r"^(?:decimal|numeric)(?:\((\d+)(?:,(\d+))?\))?$")

# Redshift type -> (Glue ApplyMapping type, Spark SQL cast type).
_REDSHIFT_SIMPLE_TYPES = {
    "timestamp": ("timestamp", "timestamp"),
    "timestamp without time zone": ("timestamp", "timestamp"),
    "date": ("date", "date"),
    "boolean": ("boolean", "boolean"),
    "bool": ("boolean", "boolean"),
    "smallint": ("short", "smallint"),
    "int2": ("short", "smallint"),
    "integer": ("int", "int"),
    "int": ("int", "int"),
    "int4": ("int", "int"),
    "bigint": ("long", "bigint"),
    "int8": ("long", "bigint"),
    "real": ("float", "float"),
    "float4": ("float", "float"),
    "double precision": ("double", "double"),
    "float8": ("double", "double"),
    "float": ("double", "double"),
}
_REDSHIFT_TEXT_PATTERN = re.compile(r"^(char|character|varchar|character varying)\((\d+)\)$")
# Redshift's limits: CHAR up to 4096 bytes, VARCHAR up to 65535 bytes.
_REDSHIFT_TEXT_MAX = {"char": 4096, "character": 4096, "varchar": 65535, "character varying": 65535}

_SUPPORTED_HIVE = "string, char(n), varchar(n), tinyint, smallint, int, bigint, float, double, boolean, timestamp, date, decimal(p,s)"
_SUPPORTED_REDSHIFT = (
    "char(n), varchar(n), timestamp, date, boolean, smallint, integer, bigint, real, double precision, decimal(p,s)"
)


def _normalise_type(type_name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\s*([(),])\s*", r"\1", type_name.strip().lower()))


def _decimal_type(match: "re.Match[str]", field: str, type_name: str, default_precision: int) -> str:
    precision = int(match.group(1)) if match.group(1) else default_precision
    scale = int(match.group(2)) if match.group(2) else 0
    if not 1 <= precision <= 38 or scale > precision:
        raise JobArgumentError(f"{field} {type_name!r} needs precision 1-38 and scale 0-precision")
    return f"decimal({precision},{scale})"


def hive_to_glue_type(type_name: object, field: str) -> str:
    """A declared source (Hive) type, as in the pipeline's catalog table -> the type name Glue's ApplyMapping uses."""
    if not isinstance(type_name, str) or not type_name.strip():
        raise JobArgumentError(f"{field} must be a non-empty string, got {type_name!r}")
    normalised = _normalise_type(type_name)
    if normalised in _HIVE_SIMPLE_TYPES:
        return _HIVE_SIMPLE_TYPES[normalised]
    if _HIVE_CHAR_PATTERN.match(normalised):
        return "string"
    decimal = _DECIMAL_PATTERN.match(normalised)
    if decimal:
        return _decimal_type(decimal, field, type_name, 10)  # Hive DECIMAL defaults to (10,0)
    raise JobArgumentError(f"{field} {type_name!r} is not a supported Hive type (expected one of {_SUPPORTED_HIVE})")


def parse_redshift_type(type_name: object, field: str) -> RedshiftType:
    """A Redshift column type -> Glue/Spark type names and, for char/varchar, the length in bytes."""
    if not isinstance(type_name, str) or not type_name.strip():
        raise JobArgumentError(f"{field} must be a non-empty string, got {type_name!r}")
    normalised = _normalise_type(type_name)
    if normalised in _REDSHIFT_SIMPLE_TYPES:
        glue_type, spark_type = _REDSHIFT_SIMPLE_TYPES[normalised]
        return RedshiftType(glue_type, spark_type, None)
    text = _REDSHIFT_TEXT_PATTERN.match(normalised)
    if text:
        length = int(text.group(2))
        maximum = _REDSHIFT_TEXT_MAX[text.group(1)]
        if not 1 <= length <= maximum:
            raise JobArgumentError(f"{field} {type_name!r} needs a length from 1 to {maximum}")
        return RedshiftType("string", "string", length)
    decimal = _DECIMAL_PATTERN.match(normalised)
    if decimal:
        decimal_type = _decimal_type(decimal, field, type_name, 18)  # Redshift DECIMAL defaults to (18,0)
        return RedshiftType(decimal_type, decimal_type, None)
    raise JobArgumentError(
        f"{field} {type_name!r} is not a supported Redshift type (expected one of {_SUPPORTED_REDSHIFT})"
    )


def _column_mapping_entry(entry: object, index: int) -> ColumnMapping:
    where = f"column_mapping[{index}]"
    if not isinstance(entry, dict):
        raise JobArgumentError(f"{where} must be an object, got {type(entry).__name__}")
    for key in ("source", "sourceType", "target", "targetType", "nullable"):
        if key not in entry:
            raise JobArgumentError(f"{where}.{key} is required")
    source = validate_identifier(entry["source"], f"{where}.source")
    target = validate_identifier(entry["target"], f"{where}.target")
    glue_source_type = hive_to_glue_type(entry["sourceType"], f"{where}.sourceType")
    redshift_type = parse_redshift_type(entry["targetType"], f"{where}.targetType")
    nullable = entry["nullable"]
    if not isinstance(nullable, bool):
        raise JobArgumentError(f"{where}.nullable must be true or false, got {nullable!r}")

    max_bytes = entry.get("maxBytes")
    if max_bytes is not None:
        # bool is an int subclass in Python; `true` is not a byte count.
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
            raise JobArgumentError(f"{where}.maxBytes must be a positive integer, got {max_bytes!r}")
        if redshift_type.length is None:
            raise JobArgumentError(
                f"{where}.maxBytes applies only to char/varchar targets, not targetType {entry['targetType']!r}"
            )
        if max_bytes > redshift_type.length:
            raise JobArgumentError(
                f"{where}.maxBytes ({max_bytes}) exceeds the byte length of targetType {entry['targetType']!r}: "
                "Redshift would reject the longer values"
            )
    # Redshift counts char/varchar lengths in bytes, so the declared length is the limit when maxBytes is absent.
    effective_max_bytes = max_bytes if max_bytes is not None else redshift_type.length

    return ColumnMapping(
        source=source,
        source_type=entry["sourceType"],
        target=target,
        target_type=entry["targetType"],
        max_bytes=effective_max_bytes,
        nullable=nullable,
        glue_source_type=glue_source_type,
        glue_target_type=redshift_type.glue_type,
        spark_type=redshift_type.spark_type,
    )


def parse_column_mapping(column_mapping: object) -> List[ColumnMapping]:
    """The `column_mapping` argument (JSON text, or an already-decoded list) -> validated mappings."""
    if isinstance(column_mapping, str):
        try:
            decoded = json.loads(column_mapping)
        except json.JSONDecodeError as error:
            raise JobArgumentError(f"column_mapping is not valid JSON: {error}") from error
    else:
        decoded = column_mapping
    if not isinstance(decoded, list) or not decoded:
        raise JobArgumentError("column_mapping must be a non-empty JSON array of column objects")
    mappings = [_column_mapping_entry(entry, index) for index, entry in enumerate(decoded)]
    seen: Dict[str, int] = {}
    for index, mapping in enumerate(mappings):
        if mapping.target in seen:
            raise JobArgumentError(
                f"column_mapping[{index}].target {mapping.target!r} duplicates column_mapping[{seen[mapping.target]}].target"
            )
        if mapping.target == ROW_NUMBER_ALIAS:
            raise JobArgumentError(f"column_mapping[{index}].target {ROW_NUMBER_ALIAS!r} is reserved by the merge SQL")
        seen[mapping.target] = index
    return mappings


def apply_mapping_tuples(mappings: Sequence[ColumnMapping]) -> List[Tuple[str, str, str, str]]:
    """The `mappings` argument of Glue's ApplyMapping: (source, source type, target, target type)."""
    return [(m.source, m.glue_source_type, m.target, m.glue_target_type) for m in mappings]


def byte_limits(mappings: Sequence[ColumnMapping]) -> Dict[str, int]:
    """Target column -> UTF-8 byte limit, for the text columns."""
    return {m.target: m.max_bytes for m in mappings if m.max_bytes is not None}


# ---------------------------------------------------------------------------------------------------
# UTF-8 truncation
# ---------------------------------------------------------------------------------------------------


def truncate_utf8(value: Optional[str], max_bytes: int) -> Optional[str]:
    """The longest prefix of `value` whose UTF-8 encoding fits in `max_bytes`, never splitting a character.

    Redshift VARCHAR(n)/CHAR(n) count bytes while the API's maxLength counts characters, so a value can
    pass the API and still be too long for Redshift. None passes through.
    """
    if value is None:
        return None
    if max_bytes < 0:
        raise ValueError(f"max_bytes must be >= 0, got {max_bytes}")
    encoded = value.encode("utf-8")
    if len(encoded) <= max_bytes:
        return value
    cut = max_bytes
    # A UTF-8 continuation byte (10xxxxxx) at the cut means the character straddles it: back off to its start.
    while cut > 0 and (encoded[cut] & 0xC0) == 0x80:
        cut -= 1
    return encoded[:cut].decode("utf-8")


def utf8_length(value: Optional[str]) -> int:
    return 0 if value is None else len(value.encode("utf-8"))


def truncation_warning(counts: Mapping[str, int], limits: Mapping[str, int]) -> Optional[str]:
    """The WARN line for the columns with truncated values, or None when nothing was truncated."""
    truncated = [(column, count) for column, count in counts.items() if count > 0]
    if not truncated:
        return None
    total = sum(count for _, count in truncated)
    details = ", ".join(f"{column}={count} (limit {limits[column]} bytes)" for column, count in truncated)
    return (
        f"Truncated {total} value(s) whose UTF-8 encoding exceeded the Redshift column length: {details}. "
        "The full values remain in the S3 landing data."
    )


# ---------------------------------------------------------------------------------------------------
# Staging and merge SQL
# ---------------------------------------------------------------------------------------------------


def _join_statements(statements: Sequence[str]) -> str:
    # The connector splits preactions/postactions on ';' (no ';' may appear inside a statement) and the
    # options may not contain newlines; every statement here is one line.
    for statement in statements:
        if ";" in statement or "\n" in statement or "\r" in statement:
            raise ValueError(f"statement may not contain ';' or a newline: {statement!r}")
    return "; ".join(statements) + ";"


def build_sql(target_table: str, merge_key: str, columns: Sequence[str]) -> Dict[str, str]:
    """The connector's `dbtable` (a staging table) and its preactions/postactions for an idempotent load.

    The Glue Redshift connector runs, on one connection: CREATE TABLE IF NOT EXISTS <dbtable> (from the
    frame's schema), preactions, COPY into <dbtable>, postactions. So:

    - preactions drop and recreate the staging table LIKE the target. Recreating (rather than CREATE IF NOT
      EXISTS) replaces the table the connector may have just created from Spark's inferred types, and keeps
      staging in step with the target's columns, lengths and NOT NULLs.
    - postactions, in one transaction: delete the target rows whose merge key is in staging, insert staging
      deduplicated on the merge key (ROW_NUMBER() = 1: Firehose/Kinesis may deliver an event twice), and
      empty staging with DELETE (TRUNCATE would commit implicitly in Redshift). A retried load therefore
      replaces rows instead of adding them, and a failure leaves the target as it was.

    All of it is the SQL that Redshift and PostgreSQL both accept.
    """
    schema, table = split_table_name(target_table)
    key = validate_identifier(merge_key, "merge_key")
    if not columns:
        raise JobArgumentError("columns must list at least one column")
    seen = set()
    for index, column in enumerate(columns):
        validate_identifier(column, f"columns[{index}]")
        if column in seen:
            raise JobArgumentError(f"columns[{index}] {column!r} is listed twice")
        if column == ROW_NUMBER_ALIAS:
            raise JobArgumentError(f"columns[{index}] {ROW_NUMBER_ALIAS!r} is reserved by the merge SQL")
        seen.add(column)
    if key not in seen:
        raise JobArgumentError(f"merge_key {key!r} is not one of the target columns {list(columns)}")
    staging = validate_identifier(table + STAGING_SUFFIX, "staging table name (target_table table + '_staging')")

    q = quote_identifier
    target_sql = f"{q(schema)}.{q(table)}"
    staging_sql = f"{q(schema)}.{q(staging)}"
    column_list = ", ".join(q(column) for column in columns)
    # Ordering the duplicates by every other column makes the kept copy deterministic: a rerun keeps the same one.
    tie_break = ", ".join(q(column) for column in columns if column != key) or q(key)

    preactions = _join_statements(
        [
            f"DROP TABLE IF EXISTS {staging_sql}",
            f"CREATE TABLE {staging_sql} (LIKE {target_sql})",
        ]
    )
    postactions = _join_statements(
        [
            "BEGIN",
            f"DELETE FROM {target_sql} USING {staging_sql} WHERE {q(table)}.{q(key)} = {q(staging)}.{q(key)}",
            f"INSERT INTO {target_sql} ({column_list}) SELECT {column_list} FROM "
            f"(SELECT {column_list}, ROW_NUMBER() OVER (PARTITION BY {q(key)} ORDER BY {tie_break}) AS {q(ROW_NUMBER_ALIAS)} "
            f"FROM {staging_sql}) AS {q('deduplicated')} WHERE {q(ROW_NUMBER_ALIAS)} = 1",
            f"DELETE FROM {staging_sql}",
            "COMMIT",
        ]
    )
    return {"staging_table": f"{schema}.{staging}", "preactions": preactions, "postactions": postactions}


# ---------------------------------------------------------------------------------------------------
# The source: the pipeline's landing prefix in S3
# ---------------------------------------------------------------------------------------------------

# S3's bucket naming rules: 3-63 characters of lower-case letters, digits, '.' and '-', beginning and
# ending with a letter or digit.
_BUCKET_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
# Characters Hadoop's path listing expands as a glob: a prefix holding one would read other folders.
_GLOB_CHARACTERS = set("*?[]{}")


@dataclass(frozen=True)
class S3Source:
    """The landing prefix the job reads: every object under `s3://<bucket>/<prefix>`, subfolders included."""

    bucket: str
    prefix: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def parse_source_path(source_path: object) -> S3Source:
    """`--source_path` (`s3://<bucket>/<prefix>/`) -> the bucket and the prefix, or an error naming the argument.

    The prefix must be a folder (a trailing '/'): `user-events` would also match `user-events-old/...`, and
    the job role may list and read only its own `<prefix>` folder.
    """
    field = "job argument --source_path"
    shape = "s3://<bucket>/<prefix>/, e.g. s3://tracking-dev-landing/user-events/"
    if not isinstance(source_path, str) or not source_path.startswith("s3://"):
        raise JobArgumentError(f"{field} must be an S3 URI {shape}, got {source_path!r}")
    bucket, slash, prefix = source_path[len("s3://"):].partition("/")
    if not _BUCKET_PATTERN.match(bucket) or ".." in bucket:
        raise JobArgumentError(
            f"{field} names bucket {bucket!r}, which is not a valid S3 bucket name "
            "(3-63 lower-case letters, digits, '.' and '-', beginning and ending with a letter or digit)"
        )
    if not slash or not prefix:
        raise JobArgumentError(
            f"{field} must name the pipeline's folder in the bucket, not the whole bucket ({shape}), got {source_path!r}"
        )
    if not prefix.endswith("/"):
        raise JobArgumentError(
            f"{field} must end with '/' so that it names one folder ({shape}); without it the prefix also matches "
            f"sibling folders that start the same way, got {source_path!r}"
        )
    segments = prefix[:-1].split("/")
    if any(segment in ("", ".", "..") for segment in segments):
        raise JobArgumentError(f"{field} has an empty, '.' or '..' folder in {prefix!r}: write each folder once, e.g. {shape}")
    unsafe = sorted({c for c in prefix if c in _GLOB_CHARACTERS or c.isspace() or not c.isprintable()})
    if unsafe:
        raise JobArgumentError(
            f"{field} prefix {prefix!r} contains {''.join(unsafe)!r}: glob characters and whitespace would make the "
            "listing read other objects than the pipeline's folder"
        )
    return S3Source(bucket=bucket, prefix=prefix)


def source_connection_options(source: S3Source) -> Dict[str, object]:
    """`connection_options` of the S3 read (Glue's "Connection types and options for ETL: S3").

    - `recurse`: the objects sit in the hourly `year=/month=/day=/hour=` folders under the prefix. The job
      lists the prefix itself, so an object is visible to the next run as soon as Firehose has written it;
      the catalog's partitions (registered by the S3 crawler) play no part in what it reads.
    - `groupFiles: inPartition`: Firehose writes one small object per buffer flush; grouping them per folder
      gives Spark a few tasks instead of one per object (Glue groups by itself only from 50,000 files).
    - No `compressionType`: Glue picks the codec from the extension, and Firehose names its objects after the
      compression (`.gz` for GZIP).
    The job bookmark (transformation_ctx "source", `--job-bookmark-option job-bookmark-enable`) keeps the
    objects' modification times, so each run reads only what landed since the previous committed run.
    """
    return {"paths": [source.uri], "recurse": True, "groupFiles": "inPartition"}


# ---------------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadPlan:
    mappings: List[ColumnMapping]
    target_table: str
    merge_key: str
    staging_table: str
    preactions: str
    postactions: str
    # Where the job reads; set from --source_path by validate_job_arguments (plan_load alone has no source).
    source: Optional[S3Source] = None

    @property
    def target_columns(self) -> List[str]:
        return [m.target for m in self.mappings]


def plan_load(target_table: object, merge_key: object, column_mapping: object) -> LoadPlan:
    """Validates the load's arguments together and builds everything the job writes with."""
    mappings = parse_column_mapping(column_mapping)
    split_table_name(target_table)
    key = validate_identifier(merge_key, "merge_key")
    by_target = {m.target: m for m in mappings}
    if key not in by_target:
        raise JobArgumentError(f"merge_key {key!r} is not a target column of column_mapping {list(by_target)}")
    if by_target[key].nullable:
        raise JobArgumentError(
            f"merge_key {key!r} must be a NOT NULL column (column_mapping nullable=false): "
            "rows with a null key could never be replaced on a retried load"
        )
    sql = build_sql(str(target_table), key, [m.target for m in mappings])
    return LoadPlan(
        mappings=mappings,
        target_table=str(target_table),
        merge_key=key,
        staging_table=sql["staging_table"],
        preactions=sql["preactions"],
        postactions=sql["postactions"],
    )


_REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


def validate_job_arguments(args: Mapping[str, object]) -> LoadPlan:
    """Resolved job arguments -> the load plan; every problem names the argument."""
    for name in REQUIRED_ARGUMENTS:
        value = args.get(name)
        if not isinstance(value, str) or not value.strip():
            raise JobArgumentError(f"job argument --{name} is required and must be non-empty")
    if not _REGION_PATTERN.match(str(args["aws_region"])):
        raise JobArgumentError(f"job argument --aws_region must be an AWS region such as eu-central-1, got {args['aws_region']!r}")
    source = parse_source_path(args["source_path"])
    validate_redshift_url(args["redshift_url"])
    return replace(plan_load(args["target_table"], args["merge_key"], args["column_mapping"]), source=source)


def present_optional_arguments(argv: Sequence[str], names: Sequence[str]) -> List[str]:
    """The optional argument names passed on the command line (getResolvedOptions fails on absent ones)."""
    return [name for name in names if f"--{name}" in argv]


IAM_URL_PATTERN = re.compile(r"^jdbc:redshift:iam://[a-z0-9.-]+:\d{1,5}/[a-z_][a-z0-9_]*(\?[A-Za-z0-9=&_-]*)?$")


def validate_redshift_url(url: object) -> str:
    """The job signs in with IAM only: a password URL (or user/password options) would bypass the loader user."""
    if not isinstance(url, str) or not IAM_URL_PATTERN.match(url):
        raise JobArgumentError(f"job argument --redshift_url must be an IAM JDBC URL, jdbc:redshift:iam://<host>:<port>/<database>[?options], got {url!r}")
    return url


def connection_options(plan: LoadPlan, url: str, tmp_dir: str, iam_role: Optional[str]) -> Dict[str, str]:
    """`connection_options` of the Redshift write ("Redshift connections": url, dbtable, redshiftTmpDir, pre/postactions)."""
    options = {
        "url": validate_redshift_url(url),
        "dbtable": plan.staging_table,
        "redshiftTmpDir": tmp_dir,
        "preactions": plan.preactions,
        "postactions": plan.postactions,
    }
    if iam_role:
        options["aws_iam_role"] = iam_role
    return options


# ---------------------------------------------------------------------------------------------------
# Row validation: every raw JSON line, before Spark reads or casts anything
# ---------------------------------------------------------------------------------------------------

# The landed objects are read as raw text lines (one JSON document each, the framing Firehose writes with
# its AppendDelimiterToRecord processor): Glue's CSV reader with a separator no valid JSON line contains
# (JSON escapes every control character inside strings) and quoting off ("Using the CSV format in AWS Glue":
# quoteChar -1 turns quoting off), so each line arrives whole in `col0`, and the job bookmark still tracks
# the objects. A line holding a raw U+0001 is invalid JSON anyway; its pieces are joined back before checking.
RAW_LINE_SEPARATOR = "\u0001"
RAW_LINE_FORMAT: Dict[str, object] = {"separator": RAW_LINE_SEPARATOR, "quoteChar": -1, "withHeader": False}

# Where the rows the checks refuse go: `<bad_rows_path><yyyy>/<mm>/<dd>/<job run id>/part-<n>.jsonl` in the
# landing bucket, one JSON object per line with the original line and the reasons.
BAD_ROW_METRIC = "BadRows"
TRUNCATED_METRIC = "TruncatedValues"

_TIMESTAMP_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z?$")
_DATE_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_INTEGER_RANGES = {"short": (-(2**15), 2**15 - 1), "int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}
_FLOAT32_MAX = 3.4028234663852886e38


@dataclass(frozen=True)
class CheckedRow:
    """One raw line after the checks: `values` (in column-mapping order) for a good row, else the reasons."""

    line: str
    values: Optional[Tuple[object, ...]]
    reasons: Tuple[str, ...] = ()
    # Target columns whose text was cut to the column's byte limit (a good row; the original stays in S3).
    truncated: Tuple[str, ...] = ()


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _is_char_column(mapping: ColumnMapping) -> bool:
    return _normalise_type(mapping.target_type).startswith(("char(", "character("))


def _check_value(mapping: ColumnMapping, value: object) -> Tuple[object, Optional[str], bool]:
    """(the value Spark receives, the reason it is refused or None, whether it was truncated)."""
    field = mapping.source
    kind = mapping.glue_target_type
    wrong = f"{field}: expected {{}} for {mapping.target_type} column {mapping.target}, got JSON {_json_type(value)}"
    if kind == "string":
        if not isinstance(value, str):
            return None, wrong.format("a string"), False
        if _is_char_column(mapping) and not value.isascii():
            return None, f"{field}: CHAR column {mapping.target} stores single-byte characters only", False
        if mapping.max_bytes is not None and utf8_length(value) > mapping.max_bytes:
            return truncate_utf8(value, mapping.max_bytes), None, True
        return value, None, False
    if kind in ("timestamp", "date"):
        if not isinstance(value, str):
            return None, wrong.format("a string"), False
        match = (_TIMESTAMP_TEXT if kind == "timestamp" else _DATE_TEXT).match(value)
        if not match:
            shape = "YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z]" if kind == "timestamp" else "YYYY-MM-DD"
            return None, f"{field}: {value[:64]!r} is not a {kind} of the form {shape}", False
        parts = [int(part) for part in match.groups()[:6] if part is not None]
        try:
            if kind == "date":
                return datetime.date(*parts), None, False
            micros = int((match.group(7) or "0").ljust(6, "0"))
            # Aware (UTC): PySpark converts a naive datetime with the worker's local time zone.
            return datetime.datetime(*parts, micros, tzinfo=datetime.timezone.utc), None, False
        except ValueError as error:  # 2024-02-30, 2023-02-29, year 0, hour 24...
            return None, f"{field}: {value!r} is not a calendar-valid {kind} ({error})", False
    if kind == "boolean":
        if not isinstance(value, bool):
            return None, wrong.format("true or false"), False
        return value, None, False
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None, wrong.format("a number"), False
    if kind in _INTEGER_RANGES:
        if isinstance(value, Decimal) and value != value.to_integral_value():
            return None, f"{field}: {value} is not an integer ({mapping.target_type} column {mapping.target})", False
        low, high = _INTEGER_RANGES[kind]
        if not low <= int(value) <= high:
            return None, f"{field}: {value} is outside the range of {mapping.target_type} column {mapping.target}", False
        return int(value), None, False
    if kind in ("float", "double"):
        number = float(value)
        if not math.isfinite(number) or (kind == "float" and abs(number) > _FLOAT32_MAX):
            return None, f"{field}: {value} does not fit {mapping.target_type} column {mapping.target}", False
        return number, None, False
    decimal = _DECIMAL_PATTERN.match(kind)
    if decimal:
        precision, scale = int(decimal.group(1)), int(decimal.group(2))
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
        if len(rounded.as_tuple().digits) > precision and rounded != 0:
            return None, f"{field}: {value} does not fit {mapping.target_type} column {mapping.target}", False
        return rounded, None, False
    raise JobArgumentError(f"column {mapping.target}: no check for type {mapping.target_type!r}")


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def check_line(line: str, mappings: Sequence[ColumnMapping]) -> Optional[CheckedRow]:
    """One raw landed line -> a good row (typed values) or a bad row (reasons); None for a blank line.

    Everything Spark's JSON reader and casts would turn into a silent null, or Redshift into a failed COPY,
    is a reason here: a line that is not a JSON object, a wrong JSON type (`"5"` for an integer, `5` for a
    timestamp), an impossible date (2024-02-30), a null or absent NOT NULL field, a number out of the
    column's range, non-ASCII text in a CHAR column. Text longer than its column in UTF-8 bytes is not a
    reason: it is cut on a character boundary and counted (the original stays in S3). Never raises on data.
    """
    if line.strip() == "":
        return None
    try:
        # Decimal keeps every digit of a DECIMAL value; NaN and Infinity are not JSON.
        document = json.loads(line, parse_float=Decimal, parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:
        return CheckedRow(line=line, values=None, reasons=(f"not valid JSON: {error}",))
    if not isinstance(document, dict):
        return CheckedRow(line=line, values=None, reasons=(f"expected a JSON object, got JSON {_json_type(document)}",))
    values: List[object] = []
    reasons: List[str] = []
    truncated: List[str] = []
    for mapping in mappings:
        value = document.get(mapping.source)
        if value is None:
            if not mapping.nullable:
                reasons.append(f"{mapping.source}: {'null' if mapping.source in document else 'absent'} in NOT NULL column {mapping.target}")
            values.append(None)
            continue
        checked, reason, was_truncated = _check_value(mapping, value)
        if reason is not None:
            reasons.append(reason)
        if was_truncated:
            truncated.append(mapping.target)
        values.append(checked)
    if reasons:
        return CheckedRow(line=line, values=None, reasons=tuple(reasons))
    return CheckedRow(line=line, values=tuple(values), truncated=tuple(truncated))


def check_lines(lines: Iterable[str], mappings: Sequence[ColumnMapping]) -> Iterator[CheckedRow]:
    """`check_line` over a partition of raw lines (what `main()` runs in mapPartitions)."""
    for line in lines:
        checked = check_line(line, mappings)
        if checked is not None:
            yield checked


def raw_line(columns: Sequence[object]) -> str:
    """The raw reader's columns of one line joined back (only a line holding U+0001 has more than one)."""
    return RAW_LINE_SEPARATOR.join("" if column is None else str(column) for column in columns)


def bad_row_record(row: CheckedRow, job_run_id: str) -> str:
    """One JSON Lines entry of `_bad-rows/`: the original line, untouched, and why it was set aside."""
    return json.dumps({"reasons": list(row.reasons), "line": row.line, "jobRunId": job_run_id}, ensure_ascii=False)


@dataclass(frozen=True)
class CheckSummary:
    good: int
    bad: int
    truncated: Dict[str, int]


def summarise(rows: Iterable[CheckedRow]) -> CheckSummary:
    good = bad = 0
    truncated: Dict[str, int] = {}
    for row in rows:
        if row.values is None:
            bad += 1
        else:
            good += 1
        for column in row.truncated:
            truncated[column] = truncated.get(column, 0) + 1
    return CheckSummary(good=good, bad=bad, truncated=truncated)


def merge_summaries(summaries: Iterable[CheckSummary]) -> CheckSummary:
    good = bad = 0
    truncated: Dict[str, int] = {}
    for summary in summaries:
        good += summary.good
        bad += summary.bad
        for column, count in summary.truncated.items():
            truncated[column] = truncated.get(column, 0) + count
    return CheckSummary(good=good, bad=bad, truncated=truncated)


def bad_rows_location(bad_rows_path: str, job_run_id: str, when: datetime.datetime) -> S3Source:
    """`--bad_rows_path` plus `<yyyy>/<mm>/<dd>/<job run id>/`: the folder one run's bad rows go to."""
    base = parse_source_path(bad_rows_path)
    run = re.sub(r"[^A-Za-z0-9_.-]", "_", job_run_id) or "run"
    return S3Source(bucket=base.bucket, prefix=f"{base.prefix}{when:%Y/%m/%d}/{run}/")


def spark_schema_ddl(mappings: Sequence[ColumnMapping]) -> str:
    """The DataFrame schema of the good rows, as Spark DDL: the target columns with their Spark types."""
    return ", ".join(f"`{m.target}` {m.spark_type}" for m in mappings)


def replay_lines(bad_rows_jsonl: str) -> List[str]:
    """The original lines of a `_bad-rows/` object, for putting back under the pipeline's landing prefix."""
    return [json.loads(entry)["line"] for entry in bad_rows_jsonl.splitlines() if entry.strip()]


def bad_rows_metric_data(job_name: str, summary: CheckSummary) -> List[Dict[str, object]]:
    """PutMetricData's MetricData: bad rows and truncated values of one run, per job (the alarm's dimension)."""
    dimensions = [{"Name": "JobName", "Value": job_name}]
    return [
        {"MetricName": BAD_ROW_METRIC, "Dimensions": dimensions, "Value": float(summary.bad), "Unit": "Count"},
        {"MetricName": TRUNCATED_METRIC, "Dimensions": dimensions, "Value": float(sum(summary.truncated.values())), "Unit": "Count"},
    ]


# ---------------------------------------------------------------------------------------------------
# The job
# ---------------------------------------------------------------------------------------------------

def main() -> None:
    from awsglue.context import GlueContext
    from awsglue.dynamicframe import DynamicFrame
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(sys.argv, REQUIRED_ARGUMENTS)
    optional_present = present_optional_arguments(sys.argv, OPTIONAL_ARGUMENTS)
    if optional_present:
        args.update(getResolvedOptions(sys.argv, optional_present))
    plan = validate_job_arguments(args)
    if plan.source is None:  # validate_job_arguments sets it; this narrows the type without an assert
        raise JobArgumentError("job argument --source_path is required and must be non-empty")
    source_uri = plan.source.uri
    source_options = source_connection_options(plan.source)

    glue_context = GlueContext(SparkContext.getOrCreate())
    # A runtime SQL setting of the session (Spark's "Runtime SQL Configuration", settable through
    # SparkSession.conf), set before any cast is planned. Not the job parameter `--conf`: Glue's guide to
    # its job parameters lists it as internal to Glue.
    glue_context.spark_session.conf.set("spark.sql.session.timeZone", SESSION_TIME_ZONE)
    logger = glue_context.get_logger()
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)

    # Raw lines, not parsed JSON: every line is checked in Python (check_lines) before Spark types anything,
    # so a wrong JSON type or an impossible date is a bad row with its reason, never a silent null.
    source = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options=source_options,
        format="csv",
        format_options=RAW_LINE_FORMAT,
        transformation_ctx="source",
    )
    mappings = plan.mappings
    # The CSV reader types each field by its look ("42" reads as a number, and a batch mixing both as a choice
    # of the two): every choice is cast back to text, and raw_line turns what stayed a number into text too.
    lines = source.resolveChoice(choice="cast:string").toDF().rdd.map(raw_line)
    checked = lines.mapPartitions(lambda part: check_lines(part, mappings)).persist()
    summary = merge_summaries(checked.mapPartitions(lambda rows: [summarise(rows)]).collect())
    job_run_id = args.get("JOB_RUN_ID") or f"run-{datetime.datetime.now(datetime.timezone.utc):%Y%m%dT%H%M%SZ}"
    logger.info(
        f"{plan.target_table}: {summary.good + summary.bad} row(s) in this batch: {summary.good} to load, {summary.bad} set aside; "
        f"values over the byte limit per column: {summary.truncated}"
    )

    if summary.bad > 0:
        location = bad_rows_location(args["bad_rows_path"], job_run_id, datetime.datetime.now(datetime.timezone.utc))
        bucket, prefix = location.bucket, location.prefix

        region = args["aws_region"]

        def write_bad_rows(index: int, rows: Iterable[CheckedRow]) -> List[int]:
            import boto3

            body = "".join(bad_row_record(row, job_run_id) + "\n" for row in rows if row.values is None)
            if body:
                # The bucket's default encryption (SSE-KMS, the data key) applies; the job role may put only here.
                boto3.client("s3", region_name=region).put_object(Bucket=bucket, Key=f"{prefix}part-{index:05d}.jsonl", Body=body.encode("utf-8"))
            return []

        checked.mapPartitionsWithIndex(write_bad_rows).count()
        logger.warn(f"{plan.target_table}: {summary.bad} row(s) set aside with their reasons in {location.uri}")

    import boto3

    boto3.client("cloudwatch", region_name=args["aws_region"]).put_metric_data(Namespace=args["metrics_namespace"], MetricData=bad_rows_metric_data(args["JOB_NAME"], summary))

    if summary.good == 0:
        logger.info(f"{plan.target_table}: nothing to load from {source_uri} in this run")
        checked.unpersist()
        job.commit()
        return

    warning = truncation_warning({m.target: summary.truncated.get(m.target, 0) for m in mappings if m.max_bytes is not None}, byte_limits(mappings))
    if warning:
        logger.warn(f"{plan.target_table}: {warning}")
    good = checked.filter(lambda row: row.values is not None).map(lambda row: row.values)
    frame = glue_context.spark_session.createDataFrame(good, schema=spark_schema_ddl(mappings))

    # Through the job's Glue connection's network (the job's `connections`), as the loader user (IAM).
    glue_context.write_dynamic_frame.from_options(
        frame=DynamicFrame.fromDF(frame, glue_context, "prepared"),
        connection_type="redshift",
        connection_options=connection_options(plan, args["redshift_url"], args["TempDir"], args.get("redshift_iam_role")),
        transformation_ctx="sink",
    )
    checked.unpersist()
    job.commit()


if __name__ == "__main__":
    main()
