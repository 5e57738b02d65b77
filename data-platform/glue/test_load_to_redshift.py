"""Unit tests for the pure parts of the Glue load job; they run without AWS, Glue or Spark.

Run: python3 -m unittest discover -s data-platform/glue -p "test_*.py"
"""

import datetime
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import load_to_redshift as job  # noqa: E402  (the path above must be set first)


def column(source, source_type, target, target_type, nullable=True, max_bytes=None):
    entry = {"source": source, "sourceType": source_type, "target": target, "targetType": target_type, "nullable": nullable}
    if max_bytes is not None:
        entry["maxBytes"] = max_bytes
    return entry


IAM_URL = "jdbc:redshift:iam://tracking-dev-sandbox.222222222222.eu-central-1.redshift-serverless.amazonaws.com:5439/dev?groupFederation=true"

EVENTS_MAPPING = [
    column("request_id", "string", "request_id", "char(36)", nullable=False, max_bytes=36),
    column("request_timestamp", "string", "request_timestamp", "timestamp", nullable=False),
    column("message", "string", "message", "varchar(3128)", max_bytes=3128),
    column("location", "string", "location", "varchar(5000)"),
    column("attempts", "bigint", "attempts", "integer"),
]


def split_like_the_connector(actions):
    """The Redshift connector's split: String.split(";") on the trimmed option, trailing empties dropped."""
    parts = actions.strip().split(";")
    while parts and parts[-1] == "":
        parts.pop()
    return parts


class ColumnMappingTest(unittest.TestCase):
    def test_builds_apply_mapping_tuples_in_declared_order(self):
        mappings = job.parse_column_mapping(json.dumps(EVENTS_MAPPING))
        self.assertEqual(
            job.apply_mapping_tuples(mappings),
            [
                ("request_id", "string", "request_id", "string"),
                ("request_timestamp", "string", "request_timestamp", "timestamp"),
                ("message", "string", "message", "string"),
                ("location", "string", "location", "string"),
                ("attempts", "long", "attempts", "int"),
            ],
        )

    def test_renames_a_column(self):
        mappings = job.parse_column_mapping([column("ts", "timestamp", "request_timestamp", "timestamp without time zone")])
        self.assertEqual(job.apply_mapping_tuples(mappings), [("ts", "timestamp", "request_timestamp", "timestamp")])

    def test_text_byte_limit_is_max_bytes_or_the_declared_length(self):
        mappings = job.parse_column_mapping(
            [column("a", "string", "a", "varchar(100)", max_bytes=40), column("b", "string", "b", "char(36)"), column("c", "string", "c", "timestamp")]
        )
        self.assertEqual(job.byte_limits(mappings), {"a": 40, "b": 36})

    def test_numeric_and_decimal_types(self):
        mappings = job.parse_column_mapping(
            [
                column("a", "smallint", "a", "smallint"),
                column("b", "double", "b", "double precision"),
                column("c", "float", "c", "real"),
                column("d", "decimal(10,2)", "d", "DECIMAL(12, 4)"),
                column("e", "boolean", "e", "boolean"),
                column("f", "date", "f", "date"),
            ]
        )
        self.assertEqual(
            [(m.glue_source_type, m.glue_target_type, m.spark_type) for m in mappings],
            [
                ("short", "short", "smallint"),
                ("double", "double", "double"),
                ("float", "float", "float"),
                ("decimal(10,2)", "decimal(12,4)", "decimal(12,4)"),
                ("boolean", "boolean", "boolean"),
                ("date", "date", "date"),
            ],
        )


class ArgumentValidationTest(unittest.TestCase):
    def assertRejected(self, column_mapping, *fragments):
        with self.assertRaises(job.JobArgumentError) as caught:
            job.parse_column_mapping(column_mapping)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))

    def test_invalid_json_names_the_argument(self):
        self.assertRejected('[{"source": "a",', "column_mapping is not valid JSON")

    def test_not_a_non_empty_array(self):
        self.assertRejected("{}", "column_mapping must be a non-empty JSON array")
        self.assertRejected("[]", "column_mapping must be a non-empty JSON array")

    def test_element_not_an_object(self):
        self.assertRejected(["request_id"], "column_mapping[0] must be an object")

    def test_missing_field_names_element_and_field(self):
        entry = column("a", "string", "a", "varchar(10)")
        del entry["targetType"]
        self.assertRejected([column("b", "string", "b", "varchar(10)"), entry], "column_mapping[1].targetType is required")

    def test_unknown_target_type(self):
        self.assertRejected([column("a", "string", "a", "varchr(10)")], "column_mapping[0].targetType", "'varchr(10)'", "not a supported Redshift type")

    def test_unknown_source_type(self):
        self.assertRejected([column("a", "struct<x:int>", "a", "varchar(10)")], "column_mapping[0].sourceType", "not a supported Hive type")

    def test_text_length_out_of_range(self):
        self.assertRejected([column("a", "string", "a", "varchar(70000)")], "column_mapping[0].targetType", "1 to 65535")
        self.assertRejected([column("a", "string", "a", "char(0)")], "column_mapping[0].targetType", "1 to 4096")

    def test_bad_identifier(self):
        self.assertRejected([column("a", "string", "Bad Name", "varchar(10)")], "column_mapping[0].target", "not a valid identifier")
        self.assertRejected([column("a;drop", "string", "a", "varchar(10)")], "column_mapping[0].source", "not a valid identifier")

    def test_max_bytes_rules(self):
        self.assertRejected([column("a", "string", "a", "varchar(10)", max_bytes=0)], "column_mapping[0].maxBytes must be a positive integer")
        self.assertRejected([column("a", "string", "a", "varchar(10)", max_bytes=True)], "column_mapping[0].maxBytes must be a positive integer")
        self.assertRejected([column("a", "string", "a", "varchar(10)", max_bytes="10")], "column_mapping[0].maxBytes must be a positive integer")
        self.assertRejected([column("a", "string", "a", "varchar(10)", max_bytes=11)], "column_mapping[0].maxBytes (11) exceeds")
        self.assertRejected([column("a", "string", "a", "timestamp", max_bytes=10)], "column_mapping[0].maxBytes applies only to char/varchar")

    def test_nullable_must_be_boolean(self):
        self.assertRejected([column("a", "string", "a", "varchar(10)", nullable="no")], "column_mapping[0].nullable must be true or false")

    def test_duplicate_target(self):
        self.assertRejected(
            [column("a", "string", "a", "varchar(10)"), column("b", "string", "a", "varchar(10)")],
            "column_mapping[1].target 'a' duplicates column_mapping[0].target",
        )

    def test_reserved_row_number_alias(self):
        self.assertRejected([column("a", "string", job.ROW_NUMBER_ALIAS, "varchar(10)")], "reserved by the merge SQL")

    def test_merge_key_must_be_a_non_nullable_target_column(self):
        with self.assertRaisesRegex(job.JobArgumentError, "merge_key 'event_id' is not a target column"):
            job.plan_load("tracking.events", "event_id", EVENTS_MAPPING)
        with self.assertRaisesRegex(job.JobArgumentError, "merge_key 'message' must be a NOT NULL column"):
            job.plan_load("tracking.events", "message", EVENTS_MAPPING)

    def test_target_table_must_be_schema_dot_table(self):
        for bad in ("events", "a.b.c", "tracking.Events", ""):
            with self.assertRaisesRegex(job.JobArgumentError, "target_table"):
                job.plan_load(bad, "request_id", EVENTS_MAPPING)

    def test_missing_job_argument_is_named(self):
        args = {name: "x" for name in job.REQUIRED_ARGUMENTS}
        args["column_mapping"] = ""
        with self.assertRaisesRegex(job.JobArgumentError, "--column_mapping is required"):
            job.validate_job_arguments(args)

    def test_valid_job_arguments_build_the_plan(self):
        args = {name: "x" for name in job.REQUIRED_ARGUMENTS}
        args.update(
            source_path="s3://tracking-dev-landing/user-events/",
            target_table="tracking.events",
            merge_key="request_id",
            column_mapping=json.dumps(EVENTS_MAPPING),
            aws_region="eu-central-1",
            redshift_url=IAM_URL,
        )
        plan = job.validate_job_arguments(args)
        self.assertEqual(plan.staging_table, "tracking.events_staging")
        self.assertEqual(plan.target_columns, ["request_id", "request_timestamp", "message", "location", "attempts"])
        self.assertEqual(plan.source, job.S3Source(bucket="tracking-dev-landing", prefix="user-events/"))

    def test_the_source_is_an_s3_path_not_a_catalog_table(self):
        self.assertIn("source_path", job.REQUIRED_ARGUMENTS)
        self.assertNotIn("catalog_database", job.REQUIRED_ARGUMENTS)
        self.assertNotIn("catalog_table", job.REQUIRED_ARGUMENTS)

    def test_a_malformed_source_path_is_named_among_valid_arguments(self):
        args = {name: "x" for name in job.REQUIRED_ARGUMENTS}
        args.update(source_path="s3://tracking-dev-landing", target_table="tracking.events", merge_key="request_id", column_mapping=json.dumps(EVENTS_MAPPING), aws_region="eu-central-1", redshift_url=IAM_URL)
        with self.assertRaisesRegex(job.JobArgumentError, r"^job argument --source_path must name the pipeline's folder"):
            job.validate_job_arguments(args)

    def test_optional_arguments_are_detected_on_the_command_line(self):
        argv = ["script.py", "--JOB_NAME", "j", "--redshift_iam_role", "arn:aws:iam::123456789012:role/r"]
        self.assertEqual(job.present_optional_arguments(argv, job.OPTIONAL_ARGUMENTS), ["redshift_iam_role"])
        self.assertEqual(job.present_optional_arguments(["script.py"], job.OPTIONAL_ARGUMENTS), [])

    def test_connection_options(self):
        plan = job.plan_load("tracking.events", "request_id", EVENTS_MAPPING)
        options = job.connection_options(plan, IAM_URL, "s3://tracking-dev-glue/temp/user-events/", None)
        self.assertEqual(set(options), {"url", "dbtable", "redshiftTmpDir", "preactions", "postactions"})
        self.assertEqual(options["dbtable"], "tracking.events_staging")
        self.assertEqual(options["url"], IAM_URL)
        role = "arn:aws:iam::123456789012:role/redshift-copy"
        self.assertEqual(job.connection_options(plan, IAM_URL, "s3://b/t/", role)["aws_iam_role"], role)

    def test_the_job_signs_in_with_iam_only(self):
        plan = job.plan_load("tracking.events", "request_id", EVENTS_MAPPING)
        for bad in ("jdbc:redshift://wg.123456789012.eu-central-1.redshift-serverless.amazonaws.com:5439/dev", "jdbc:redshift:iam://host:5439/dev?user=admin;password=x", "", None):
            with self.assertRaisesRegex(job.JobArgumentError, "--redshift_url must be an IAM JDBC URL"):
                job.connection_options(plan, bad, "s3://b/t/", None)
        args = {name: "x" for name in job.REQUIRED_ARGUMENTS}
        args.update(source_path="s3://tracking-dev-landing/user-events/", target_table="tracking.events", merge_key="request_id", column_mapping=json.dumps(EVENTS_MAPPING), aws_region="eu-central-1")
        with self.assertRaisesRegex(job.JobArgumentError, "--redshift_url must be an IAM JDBC URL"):
            job.validate_job_arguments(args)


class SourcePathTest(unittest.TestCase):
    """--source_path: the pipeline's landing prefix, read straight from S3 (no catalog table)."""

    def assertRejected(self, source_path, *fragments):
        with self.assertRaises(job.JobArgumentError) as caught:
            job.parse_source_path(source_path)
        message = str(caught.exception)
        self.assertTrue(message.startswith("job argument --source_path "), message)
        for fragment in fragments:
            self.assertIn(fragment, message)

    def test_parses_bucket_and_folder(self):
        source = job.parse_source_path("s3://tracking-dev-landing-123456789012-eu-central-1/user-events/")
        self.assertEqual(source.bucket, "tracking-dev-landing-123456789012-eu-central-1")
        self.assertEqual(source.prefix, "user-events/")
        self.assertEqual(source.uri, "s3://tracking-dev-landing-123456789012-eu-central-1/user-events/")
        nested = job.parse_source_path("s3://a.b-c/landing/user-events/")
        self.assertEqual((nested.bucket, nested.prefix), ("a.b-c", "landing/user-events/"))

    def test_must_be_an_s3_uri(self):
        for bad in ("tracking_dev_landed.user_events", "s3a://bucket/user-events/", "https://bucket.s3.amazonaws.com/user-events/", "S3://bucket/user-events/", "", None, 42):
            self.assertRejected(bad, "must be an S3 URI s3://<bucket>/<prefix>/", repr(bad))

    def test_bucket_must_be_a_valid_bucket_name(self):
        for bucket in ("Tracking-Landing", "ab", "a" * 64, "-landing", "landing-", "land_ing", "land..ing", ""):
            self.assertRejected(f"s3://{bucket}/user-events/", f"bucket {bucket!r}", "not a valid S3 bucket name")

    def test_must_name_a_folder_not_the_bucket(self):
        self.assertRejected("s3://tracking-dev-landing", "must name the pipeline's folder")
        self.assertRejected("s3://tracking-dev-landing/", "must name the pipeline's folder")

    def test_folder_needs_its_trailing_slash(self):
        # Without it, s3://b/user-events would also read s3://b/user-events-old/...
        self.assertRejected("s3://tracking-dev-landing/user-events", "must end with '/'", "sibling folders")

    def test_no_empty_or_relative_folders(self):
        for bad in ("s3://tracking-dev-landing//user-events/", "s3://tracking-dev-landing/user-events//", "s3://tracking-dev-landing/a/../user-events/", "s3://tracking-dev-landing/./user-events/"):
            self.assertRejected(bad, "empty, '.' or '..' folder")

    def test_no_glob_characters_or_whitespace(self):
        for bad, shown in (("user-*/", "'*'"), ("user-events?/", "'?'"), ("user-{a,b}/", "'{}'"), ("user events/", "' '"), ("user-[e]/", "'[]'")):
            self.assertRejected(f"s3://tracking-dev-landing/{bad}", f"contains {shown}", "glob characters and whitespace")

    def test_connection_options_read_every_hourly_folder_under_the_prefix_grouped(self):
        options = job.source_connection_options(job.parse_source_path("s3://tracking-dev-landing/user-utm/"))
        self.assertEqual(options, {"paths": ["s3://tracking-dev-landing/user-utm/"], "recurse": True, "groupFiles": "inPartition"})
        # Glue reads .gz objects by their extension; forcing a codec would break an uncompressed pipeline.
        self.assertNotIn("compressionType", options)


class TruncationTest(unittest.TestCase):
    def test_none_passes_through(self):
        self.assertIsNone(job.truncate_utf8(None, 10))

    def test_ascii(self):
        self.assertEqual(job.truncate_utf8("abcdef", 4), "abcd")
        self.assertEqual(job.truncate_utf8("abcd", 4), "abcd")
        self.assertEqual(job.truncate_utf8("", 4), "")

    def test_two_byte_characters(self):
        # "é" is 2 bytes: 5 bytes hold two of them, never half of the third.
        self.assertEqual(job.truncate_utf8("éééé", 5), "éé")
        self.assertEqual(job.truncate_utf8("éééé", 6), "ééé")
        self.assertEqual(job.truncate_utf8("aéé", 2), "a")

    def test_three_byte_characters(self):
        # "€" is 3 bytes.
        self.assertEqual(job.truncate_utf8("€€€", 8), "€€")
        self.assertEqual(job.truncate_utf8("€€€", 7), "€€")
        self.assertEqual(job.truncate_utf8("€€€", 6), "€€")
        self.assertEqual(job.truncate_utf8("€€€", 2), "")

    def test_four_byte_characters(self):
        # "😀" is 4 bytes (outside the BMP).
        self.assertEqual(job.truncate_utf8("😀😀", 7), "😀")
        self.assertEqual(job.truncate_utf8("a😀", 4), "a")
        self.assertEqual(job.truncate_utf8("a😀", 5), "a😀")

    def test_exact_boundary_is_kept_whole(self):
        value = "ab€😀"  # 1 + 1 + 3 + 4 = 9 bytes
        self.assertEqual(job.utf8_length(value), 9)
        self.assertEqual(job.truncate_utf8(value, 9), value)
        self.assertEqual(job.truncate_utf8(value, 8), "ab€")

    def test_result_is_the_longest_fitting_prefix(self):
        value = "x€é😀yé€😀" * 5
        for limit in range(0, job.utf8_length(value) + 2):
            result = job.truncate_utf8(value, limit)
            self.assertTrue(value.startswith(result))
            self.assertLessEqual(job.utf8_length(result), limit)
            if len(result) < len(value):
                self.assertGreater(job.utf8_length(value[: len(result) + 1]), limit)

    def test_warning_names_columns_counts_and_limits(self):
        warning = job.truncation_warning({"message": 2, "location": 0, "referrer": 1}, {"message": 3128, "location": 5000, "referrer": 500})
        self.assertIn("Truncated 3 value(s)", warning)
        self.assertIn("message=2 (limit 3128 bytes)", warning)
        self.assertIn("referrer=1 (limit 500 bytes)", warning)
        self.assertNotIn("location", warning)
        self.assertIsNone(job.truncation_warning({"message": 0}, {"message": 3128}))



GOOD_ID = "0b7e6f4e-3c2a-4d0e-9a65-2f1d8e7c6b5a"


def event(**fields):
    record = {"request_id": GOOD_ID, "request_timestamp": "2024-02-29 23:59:59.123456", "message": "hello", "attempts": 3}
    record.update(fields)
    return json.dumps(record, ensure_ascii=False)


class RowCheckTest(unittest.TestCase):
    """check_lines is the function main() runs over every raw line (mapPartitions) before Spark types anything."""

    mappings = job.parse_column_mapping(EVENTS_MAPPING)

    def check(self, *lines):
        return list(job.check_lines(lines, self.mappings))

    def test_good_rows_come_out_typed_for_loading_and_bad_rows_with_their_reasons(self):
        lines = [
            event(),
            event(request_timestamp="2024-02-30 00:00:00"),  # impossible date
            event(request_timestamp=None),  # null in a NOT NULL column
            event(message="\u00e9" * 2000),  # 4000 UTF-8 bytes in a varchar(3128): truncated, still loaded
            event(attempts="5"),  # wrong JSON type: a string for an integer
            event(request_id=GOOD_ID.replace("0b", "1b"), request_timestamp="2026-01-02T03:04:05Z", location=None),
        ]
        rows = self.check(*lines)  # nothing raises
        self.assertEqual([row.values is not None for row in rows], [True, False, False, True, False, True])
        good = [row for row in rows if row.values is not None]
        self.assertEqual(
            good[0].values,
            (GOOD_ID, datetime.datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=datetime.timezone.utc), "hello", None, 3),
        )
        self.assertEqual(len(good[1].values[2].encode("utf-8")), 3128)
        self.assertEqual(good[1].truncated, ("message",))
        self.assertEqual(good[2].values[1], datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc))
        bad = [row for row in rows if row.values is None]
        self.assertRegex(bad[0].reasons[0], r"^request_timestamp: '2024-02-30 00:00:00' is not a calendar-valid timestamp")
        self.assertEqual(bad[1].reasons, ("request_timestamp: null in NOT NULL column request_timestamp",))
        self.assertEqual(bad[2].reasons, ("attempts: expected a number for integer column attempts, got JSON string",))
        self.assertEqual([row.line for row in bad], [lines[1], lines[2], lines[4]])
        summary = job.merge_summaries([job.summarise(rows[:3]), job.summarise(rows[3:])])
        self.assertEqual((summary.good, summary.bad, summary.truncated), (3, 3, {"message": 1}))

    def test_a_wrong_json_type_is_never_a_silent_null(self):
        cases = {
            "request_id": 42,
            "request_timestamp": 1717000000,
            "message": {"text": "x"},
            "attempts": True,
        }
        for field, value in cases.items():
            with self.subTest(field=field):
                [row] = self.check(event(**{field: value}))
                self.assertIsNone(row.values)
                self.assertIn("got JSON", row.reasons[0])

    def test_every_problem_of_a_row_is_named(self):
        [row] = self.check(json.dumps({"request_timestamp": "2023-02-29 00:00:00", "attempts": 2**40}))
        self.assertEqual(len(row.reasons), 3, row.reasons)
        self.assertEqual(row.reasons[0], "request_id: absent in NOT NULL column request_id")

    def test_lines_that_are_not_json_objects(self):
        rows = self.check("{not json", "[1, 2]", '"text"', "NaN", '{"request_id": NaN}')
        self.assertTrue(all(row.values is None for row in rows))
        self.assertEqual(rows[1].reasons, ("expected a JSON object, got JSON array",))

    def test_blank_lines_are_not_rows(self):
        self.assertEqual(self.check("", "   "), [])

    def test_leap_years_and_calendar_limits(self):
        for text, valid in [
            ("2024-02-29 00:00:00", True),
            ("2000-02-29 00:00:00", True),
            ("1900-02-29 00:00:00", False),
            ("2023-02-29 00:00:00", False),
            ("2024-04-31 00:00:00", False),
            ("2024-13-01 00:00:00", False),
            ("2024-01-01 24:00:00", False),
            ("0000-01-01 00:00:00", False),
            ("2024-01-01 00:00:00+02:00", False),
        ]:
            with self.subTest(text=text):
                [row] = self.check(event(request_timestamp=text))
                self.assertEqual(row.values is not None, valid, row.reasons)

    def test_char_columns_take_ascii_only_and_numbers_their_range(self):
        mappings = job.parse_column_mapping(
            [
                column("code", "string", "code", "char(2)"),
                column("n", "smallint", "n", "smallint"),
                column("d", "decimal(5,2)", "d", "decimal(5,2)"),
                column("r", "double", "r", "double precision"),
            ]
        )
        checked = job.check_lines(['{"code": "\u00e9"}', '{"n": 40000}', '{"d": 1234.5}', '{"n": 7.0, "d": 12.345, "r": 1}'], mappings)
        rows = list(checked)
        self.assertEqual([row.values is None for row in rows], [True, True, True, False])
        self.assertEqual(rows[3].values, (None, 7, job.Decimal("12.35"), 1.0))

    def test_bad_row_records_keep_the_original_line_and_replay_returns_it(self):
        line = event(request_timestamp="2024-02-30 00:00:00", message="caf\u00e9")
        [row] = self.check(line)
        entry = job.bad_row_record(row, "jr_123")
        self.assertEqual(json.loads(entry)["line"], line)
        self.assertEqual(json.loads(entry)["jobRunId"], "jr_123")
        self.assertEqual(job.replay_lines(entry + "\n" + entry + "\n"), [line, line])

    def test_bad_rows_location_and_metric(self):
        location = job.bad_rows_location(
            "s3://tracking-dev-landing/_bad-rows/user-events/", "jr_abc/../x", datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)
        )
        self.assertEqual(location.uri, "s3://tracking-dev-landing/_bad-rows/user-events/2026/01/02/jr_abc_.._x/")
        data = job.bad_rows_metric_data("tracking-dev-user-events-load", job.CheckSummary(good=1, bad=2, truncated={"message": 3}))
        self.assertEqual([(d["MetricName"], d["Value"]) for d in data], [("BadRows", 2.0), ("TruncatedValues", 3.0)])

    def test_raw_lines_are_rejoined(self):
        self.assertEqual(job.raw_line(['{"a": "x', None, 'y"}']), '{"a": "x\u0001\u0001y"}')
        # A line the reader typed as a number is text again, and then a bad row like any other non-object.
        [row] = self.check(job.raw_line([42]))
        self.assertEqual(row.reasons, ("expected a JSON object, got JSON number",))

    def test_the_good_rows_schema(self):
        self.assertEqual(
            job.spark_schema_ddl(self.mappings),
            "`request_id` string, `request_timestamp` timestamp, `message` string, `location` string, `attempts` int",
        )


class SqlBuilderTest(unittest.TestCase):
    columns = ["request_id", "location", "network", "message"]

    def sql(self):
        return job.build_sql("tracking.events", "request_id", self.columns)

    def test_quote_identifier(self):
        self.assertEqual(job.quote_identifier("location"), '"location"')
        with self.assertRaises(job.JobArgumentError):
            job.quote_identifier('bad"name')

    def test_staging_table_is_beside_the_target(self):
        self.assertEqual(self.sql()["staging_table"], "tracking.events_staging")

    def test_preactions_recreate_staging_like_the_target(self):
        statements = [s.strip() for s in split_like_the_connector(self.sql()["preactions"])]
        self.assertEqual(
            statements,
            ['DROP TABLE IF EXISTS "tracking"."events_staging"', 'CREATE TABLE "tracking"."events_staging" (LIKE "tracking"."events")'],
        )

    def test_postactions_merge_in_one_transaction_without_truncate(self):
        statements = [s.strip() for s in split_like_the_connector(self.sql()["postactions"])]
        self.assertEqual(statements[0], "BEGIN")
        self.assertEqual(statements[-1], "COMMIT")
        self.assertTrue(statements[1].startswith('DELETE FROM "tracking"."events" USING "tracking"."events_staging"'))
        self.assertIn('"events"."request_id" = "events_staging"."request_id"', statements[1])
        self.assertTrue(statements[2].startswith('INSERT INTO "tracking"."events"'))
        self.assertEqual(statements[3], 'DELETE FROM "tracking"."events_staging"')
        self.assertEqual(len(statements), 5)
        self.assertNotIn("TRUNCATE", self.sql()["postactions"].upper())

    def test_insert_deduplicates_on_the_merge_key(self):
        insert = split_like_the_connector(self.sql()["postactions"])[2]
        self.assertIn('ROW_NUMBER() OVER (PARTITION BY "request_id" ORDER BY "location", "network", "message")', insert)
        self.assertIn(f'WHERE "{job.ROW_NUMBER_ALIAS}" = 1', insert)
        self.assertIn('("request_id", "location", "network", "message")', insert)

    def test_other_merge_key(self):
        sql = job.build_sql("tracking.utm", "network", ["request_id", "network"])
        self.assertIn('"utm"."network" = "utm_staging"."network"', sql["postactions"])
        self.assertIn('PARTITION BY "network" ORDER BY "request_id"', sql["postactions"])

    def test_reserved_words_are_always_quoted(self):
        for option in ("preactions", "postactions"):
            text = self.sql()[option]
            for word in ("location", "network"):
                self.assertNotRegex(text, rf'(?<!")\b{word}\b(?!")')

    def test_options_respect_the_connector_format(self):
        # No newlines (Glue's documented rule), no ';' inside a statement, no '%s' (the connector would
        # substitute the table name), and no blank statement after splitting.
        for option in ("preactions", "postactions"):
            text = self.sql()[option]
            self.assertNotIn("\n", text)
            self.assertNotIn("%s", text)
            self.assertTrue(all(part.strip() for part in split_like_the_connector(text)))

    def test_rejects_bad_input(self):
        with self.assertRaisesRegex(job.JobArgumentError, "merge_key 'event_id' is not one of the target columns"):
            job.build_sql("tracking.events", "event_id", self.columns)
        with self.assertRaisesRegex(job.JobArgumentError, "listed twice"):
            job.build_sql("tracking.events", "request_id", ["request_id", "request_id"])
        with self.assertRaisesRegex(job.JobArgumentError, r"columns\[1\]"):
            job.build_sql("tracking.events", "request_id", ["request_id", "drop table x"])
        with self.assertRaisesRegex(job.JobArgumentError, "at least one column"):
            job.build_sql("tracking.events", "request_id", [])
        with self.assertRaisesRegex(job.JobArgumentError, "staging table name"):
            job.build_sql("tracking." + "t" * 125, "request_id", ["request_id"])


class FakeRdd:
    """An RDD of one partition per list, running the functions main() hands it, as Spark would."""

    def __init__(self, partitions):
        self.partitions = [list(partition) for partition in partitions]

    def map(self, function):
        return FakeRdd([[function(item) for item in partition] for partition in self.partitions])

    def filter(self, function):
        return FakeRdd([[item for item in partition if function(item)] for partition in self.partitions])

    def mapPartitions(self, function):
        return FakeRdd([list(function(iter(partition))) for partition in self.partitions])

    def mapPartitionsWithIndex(self, function):
        return FakeRdd([list(function(index, iter(partition))) for index, partition in enumerate(self.partitions)])

    def persist(self):
        return self

    def unpersist(self):
        return self

    def collect(self):
        return [item for partition in self.partitions for item in partition]

    def count(self):
        return len(self.collect())


class FakeGlue:
    """Minimal awsglue/pyspark/boto3 modules recording what main() asks of them; the source is raw lines."""

    def __init__(self, argv, partitions):
        self.argv = argv
        self.calls = []
        self.warnings = []
        self.puts = []
        self.metrics = []
        self.loaded = None
        # The raw reader's rows: one column per line (a line holding U+0001 would have more).
        self.source = FakeRdd([[(line,) for line in partition] for partition in partitions])

    def modules(self):
        import types

        fake = self
        modules = {name: types.ModuleType(name) for name in (
            "awsglue", "awsglue.context", "awsglue.dynamicframe", "awsglue.job", "awsglue.utils",
            "pyspark", "pyspark.context", "boto3",
        )}

        def get_resolved_options(argv, names):
            values = dict(zip(argv[1::2], argv[2::2]))
            missing = [name for name in names if f"--{name}" not in values]
            if missing:
                raise SystemExit(f"missing {missing}")
            return {name: values[f"--{name}"] for name in names}

        class Logger:
            def info(self, message):
                fake.calls.append(("info", message))

            def warn(self, message):
                fake.warnings.append(message)

        class SourceFrame:
            def resolveChoice(self, **kwargs):
                fake.calls.append(("resolveChoice", kwargs))
                return self

            def toDF(self):
                return types.SimpleNamespace(rdd=fake.source)

        class CreateDynamicFrame:
            def from_options(self, **kwargs):
                fake.calls.append(("from_options", kwargs))
                return SourceFrame()

        class RuntimeConf:
            def set(self, key, value):
                fake.calls.append(("spark.conf.set", key, value))

        class SparkSession:
            conf = RuntimeConf()

            def createDataFrame(self, rdd, schema):
                fake.calls.append(("createDataFrame", schema))
                fake.loaded = rdd.collect()
                return "good rows frame"

        class WriteDynamicFrame:
            def from_options(self, **kwargs):
                fake.calls.append(("write.from_options", kwargs))

        class GlueContext:
            def __init__(self, spark_context):
                self.create_dynamic_frame = CreateDynamicFrame()
                self.write_dynamic_frame = WriteDynamicFrame()
                self.spark_session = SparkSession()

            def get_logger(self):
                return Logger()

        class Job:
            def __init__(self, glue_context):
                pass

            def init(self, name, args):
                fake.calls.append(("job.init", name))

            def commit(self):
                fake.calls.append(("job.commit",))

        class DynamicFrame:
            @staticmethod
            def fromDF(frame, glue_context, name):
                return ("dynamic frame", frame)

        class SparkContext:
            @staticmethod
            def getOrCreate():
                return "spark context"

        class Client:
            def __init__(self, service, region_name=None):
                self.service = service
                fake.calls.append(("boto3.client", service, region_name))

            def put_object(self, **kwargs):
                fake.calls.append(("s3.put_object",))
                fake.puts.append(kwargs)

            def put_metric_data(self, **kwargs):
                fake.calls.append(("cloudwatch.put_metric_data",))
                fake.metrics.append(kwargs)

        modules["boto3"].client = Client
        modules["pyspark.context"].SparkContext = SparkContext
        modules["awsglue.context"].GlueContext = GlueContext
        modules["awsglue.dynamicframe"].DynamicFrame = DynamicFrame
        modules["awsglue.job"].Job = Job
        modules["awsglue.utils"].getResolvedOptions = get_resolved_options
        return modules

    def run(self):
        from unittest import mock

        with mock.patch.dict(sys.modules, self.modules()), mock.patch.object(sys, "argv", self.argv):
            job.main()

    def call(self, name):
        return [call for call in self.calls if call[0] == name]


class MainWithFakeGlueTest(unittest.TestCase):
    """main()'s wiring, against recording stand-ins for Glue, Spark and boto3 (the real ones need AWS)."""

    mapping = [
        column("request_id", "string", "request_id", "char(36)", nullable=False, max_bytes=36),
        column("message", "string", "message", "varchar(10)", max_bytes=10),
        column("location", "string", "location", "varchar(5000)"),
    ]
    good = json.dumps({"request_id": GOOD_ID, "message": "hi"})
    long = json.dumps({"request_id": GOOD_ID.replace("0b", "2b"), "message": "\u00e9" * 6, "location": "x"}, ensure_ascii=False)
    bad = json.dumps({"request_id": None, "message": 5})

    def argv(self, **extra):
        args = {
            "JOB_NAME": "tracking-dev-user-events-load",
            "JOB_RUN_ID": "jr_0123",
            "source_path": "s3://tracking-dev-landing-123456789012-eu-central-1/user-events/",
            "redshift_url": IAM_URL,
            "target_table": "tracking.events",
            "merge_key": "request_id",
            "column_mapping": json.dumps(self.mapping),
            "TempDir": "s3://tracking-dev-glue-temp/load/",
            "bad_rows_path": "s3://tracking-dev-landing-123456789012-eu-central-1/_bad-rows/user-events/",
            "metrics_namespace": "Tracking/Load",
            "aws_region": "eu-central-1",
            **extra,
        }
        argv = ["load_to_redshift.py"]
        for name, value in args.items():
            argv += [f"--{name}", value]
        return argv

    def test_reads_raw_lines_with_a_bookmark_context_and_writes_the_staging_table_with_the_merge(self):
        glue = FakeGlue(self.argv(), [[self.good]])
        glue.run()
        [(_, source)] = glue.call("from_options")
        self.assertEqual(
            source,
            {
                "connection_type": "s3",
                "connection_options": {
                    "paths": ["s3://tracking-dev-landing-123456789012-eu-central-1/user-events/"],
                    "recurse": True,
                    "groupFiles": "inPartition",
                },
                "format": "csv",
                "format_options": {"separator": "\u0001", "quoteChar": -1, "withHeader": False},
                "transformation_ctx": "source",
            },
        )
        self.assertEqual(glue.call("resolveChoice"), [("resolveChoice", {"choice": "cast:string"})])
        self.assertEqual(glue.call("createDataFrame"), [("createDataFrame", "`request_id` string, `message` string, `location` string")])
        self.assertEqual(glue.loaded, [(GOOD_ID, "hi", None)])
        [(_, write)] = glue.call("write.from_options")
        plan = job.plan_load("tracking.events", "request_id", self.mapping)
        self.assertEqual(write["frame"], ("dynamic frame", "good rows frame"))
        self.assertEqual(write["connection_type"], "redshift")
        self.assertEqual(write["transformation_ctx"], "sink")
        self.assertEqual(
            write["connection_options"],
            {"url": IAM_URL, "dbtable": "tracking.events_staging", "redshiftTmpDir": "s3://tracking-dev-glue-temp/load/", "preactions": plan.preactions, "postactions": plan.postactions},
        )
        names = [call[0] for call in glue.calls]
        # The session time zone is set before the job starts reading.
        self.assertEqual(glue.calls[0], ("spark.conf.set", "spark.sql.session.timeZone", "UTC"))
        self.assertEqual(names[1], "job.init")
        self.assertLess(names.index("job.init"), names.index("from_options"))
        self.assertLess(names.index("write.from_options"), names.index("job.commit"))
        self.assertEqual(glue.warnings, [])
        self.assertEqual(glue.puts, [])
        self.assertEqual(glue.metrics[0]["MetricData"][0]["Value"], 0.0)

    def test_bad_rows_are_set_aside_counted_and_the_good_ones_load_and_commit(self):
        glue = FakeGlue(self.argv(), [[self.good, self.bad], ["", self.long], [self.bad]])
        glue.run()
        self.assertEqual(glue.loaded, [(GOOD_ID, "hi", None), (GOOD_ID.replace("0b", "2b"), "\u00e9" * 5, "x")])
        self.assertEqual(len(glue.call("write.from_options")), 1)
        self.assertEqual(len(glue.call("job.commit")), 1)
        self.assertEqual({call[1:] for call in glue.call("boto3.client")}, {("s3", "eu-central-1"), ("cloudwatch", "eu-central-1")})
        prefix = "_bad-rows/user-events/"
        self.assertEqual([put["Bucket"] for put in glue.puts], ["tracking-dev-landing-123456789012-eu-central-1"] * 2)
        self.assertRegex(glue.puts[0]["Key"], r"^_bad-rows/user-events/\d{4}/\d{2}/\d{2}/jr_0123/part-00000\.jsonl$")
        self.assertTrue(glue.puts[1]["Key"].startswith(prefix) and glue.puts[1]["Key"].endswith("part-00002.jsonl"))
        entries = [json.loads(line) for put in glue.puts for line in put["Body"].decode("utf-8").splitlines()]
        self.assertEqual([entry["line"] for entry in entries], [self.bad, self.bad])
        self.assertEqual(entries[0]["reasons"], ["request_id: null in NOT NULL column request_id", "message: expected a string for varchar(10) column message, got JSON number"])
        [metrics] = glue.metrics
        self.assertEqual(metrics["Namespace"], "Tracking/Load")
        self.assertEqual([(d["MetricName"], d["Value"]) for d in metrics["MetricData"]], [("BadRows", 2.0), ("TruncatedValues", 1.0)])
        self.assertEqual(metrics["MetricData"][0]["Dimensions"], [{"Name": "JobName", "Value": "tracking-dev-user-events-load"}])
        self.assertEqual(len(glue.warnings), 2)
        self.assertIn("2 row(s) set aside", glue.warnings[0])
        self.assertIn("message=1 (limit 10 bytes)", glue.warnings[1])

    def test_a_batch_of_only_bad_rows_sets_them_aside_and_advances_the_bookmark(self):
        glue = FakeGlue(self.argv(), [[self.bad]])
        glue.run()
        self.assertEqual(glue.call("write.from_options"), [])
        self.assertEqual(len(glue.puts), 1)
        self.assertEqual(len(glue.call("job.commit")), 1)

    def test_iam_role_is_passed_when_given(self):
        role = "arn:aws:iam::123456789012:role/tracking-dev-redshift-copy"
        glue = FakeGlue(self.argv(redshift_iam_role=role), [[self.good]])
        glue.run()
        [(_, write)] = glue.call("write.from_options")
        self.assertEqual(write["connection_options"]["aws_iam_role"], role)

    def test_empty_batch_writes_nothing_and_commits_the_bookmark(self):
        glue = FakeGlue(self.argv(), [[]])
        glue.run()
        self.assertEqual(glue.call("write.from_options"), [])
        self.assertEqual(len(glue.call("job.commit")), 1)

    def test_malformed_source_path_fails_before_touching_glue_naming_the_argument(self):
        glue = FakeGlue(self.argv(source_path="tracking_dev_landing.user_events"), [[self.good]])
        with self.assertRaisesRegex(job.JobArgumentError, r"job argument --source_path must be an S3 URI s3://<bucket>/<prefix>/"):
            glue.run()
        self.assertEqual(glue.calls, [])

    def test_a_missing_source_path_is_refused_by_name(self):
        argv = self.argv()
        index = argv.index("--source_path")
        del argv[index : index + 2]
        glue = FakeGlue(argv, [[self.good]])
        with self.assertRaisesRegex(SystemExit, "source_path"):
            glue.run()
        self.assertEqual(glue.calls, [])

    def test_a_malformed_region_fails_before_touching_glue(self):
        glue = FakeGlue(self.argv(aws_region="Frankfurt"), [[self.good]])
        with self.assertRaisesRegex(job.JobArgumentError, r"--aws_region must be an AWS region"):
            glue.run()
        self.assertEqual(glue.calls, [])

    def test_malformed_column_mapping_fails_before_touching_glue(self):
        argv = self.argv(column_mapping='[{"source": "request_id"}]')
        glue = FakeGlue(argv, [[self.good]])
        with self.assertRaisesRegex(job.JobArgumentError, r"column_mapping\[0\]\.sourceType is required"):
            glue.run()
        self.assertEqual(glue.calls, [])


class ModuleImportTest(unittest.TestCase):
    def test_importing_needs_neither_glue_nor_spark(self):
        self.assertNotIn("awsglue", sys.modules)
        self.assertNotIn("pyspark", sys.modules)


if __name__ == "__main__":
    unittest.main()
