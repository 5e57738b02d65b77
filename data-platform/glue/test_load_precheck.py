"""Unit tests of the load pre-check: its decision on listings with and without new objects, run from
tests/glue/load-to-redshift.test.ts (python3 -m unittest discover)."""
import datetime
import unittest

import load_precheck as precheck

UTC = datetime.timezone.utc
PREFIX = "user-events/"
T0 = datetime.datetime(2026, 12, 4, 10, 0, 0, tzinfo=UTC)


def at(minutes):
    return T0 + datetime.timedelta(minutes=minutes)


def obj(key, minutes):
    return {"Key": PREFIX + key, "LastModified": at(minutes)}


def run(state, started_minutes):
    return {"JobRunState": state, "StartedOn": at(started_minutes)}


class ConcurrentRunsExceededException(Exception):
    pass


class FakeGlue(object):
    """Answers GetJobRuns from a list and records what the check starts and registers."""

    class exceptions(object):
        ConcurrentRunsExceededException = ConcurrentRunsExceededException

    def __init__(self, runs, refuse_start=False, existing=()):
        self.runs = runs
        self.refuse_start = refuse_start
        self.existing = set(existing)
        self.started = []
        self.created = []

    def get_job_runs(self, JobName, MaxResults, NextToken=None):
        return {"JobRuns": list(self.runs)}

    def start_job_run(self, JobName):
        if self.refuse_start:
            raise ConcurrentRunsExceededException()
        self.started.append(JobName)
        return {"JobRunId": "jr_1"}

    def get_table(self, DatabaseName, Name):
        return {"Table": {"StorageDescriptor": {"Location": "s3://landing/user-events/", "Columns": [{"Name": "request_id", "Type": "string"}]}}}

    def batch_create_partition(self, DatabaseName, TableName, PartitionInputList):
        errors = []
        for partition in PartitionInputList:
            values = tuple(partition["Values"])
            if values in self.existing:
                errors.append({"PartitionValues": list(values), "ErrorDetail": {"ErrorCode": "AlreadyExistsException"}})
            else:
                self.created.append(partition)
        return {"Errors": errors}


class FakeS3(object):
    """ListObjectsV2 over keys in S3's (lexicographic) order, honouring StartAfter, Prefix and MaxKeys."""

    def __init__(self, objects, page=1000):
        self.objects = sorted(objects, key=lambda o: o["Key"])
        self.page = page
        self.calls = []

    def list_objects_v2(self, Bucket, Prefix, MaxKeys, StartAfter=None, ContinuationToken=None):
        self.calls.append({"StartAfter": StartAfter, "ContinuationToken": ContinuationToken})
        keys = [o for o in self.objects if o["Key"].startswith(Prefix) and (StartAfter is None or o["Key"] > StartAfter)]
        offset = int(ContinuationToken or 0)
        chunk = keys[offset:offset + min(MaxKeys, self.page)]
        more = offset + len(chunk) < len(keys)
        page = {"Contents": chunk, "IsTruncated": more}
        if more:
            page["NextContinuationToken"] = str(offset + len(chunk))
        return page


ARGS = {"load_job": "tracking-dev-user-events-load", "bucket": "landing", "prefix": PREFIX, "database": "landed", "table": "user_events", "aws_region": "eu-central-1"}


class DecideTest(unittest.TestCase):
    def test_an_idle_prefix_starts_nothing(self):
        runs = [run("SUCCEEDED", 0)]
        listing = [obj("year=2026/month=12/day=04/hour=09/a.gz", -10), obj("year=2026/month=12/day=04/hour=09/b.gz", -1)]
        decision = precheck.decide(runs, listing, precheck.last_loaded_at(runs), PREFIX)
        self.assertFalse(decision.start)
        self.assertEqual(decision.partitions, [])

    def test_an_empty_listing_starts_nothing(self):
        runs = [run("SUCCEEDED", 0)]
        self.assertFalse(precheck.decide(runs, [], precheck.last_loaded_at(runs), PREFIX).start)

    def test_an_object_written_since_the_last_successful_run_starts_the_job(self):
        runs = [run("SUCCEEDED", 0)]
        listing = [obj("year=2026/month=12/day=04/hour=09/a.gz", -10), obj("year=2026/month=12/day=04/hour=10/c.gz", 3)]
        decision = precheck.decide(runs, listing, precheck.last_loaded_at(runs), PREFIX)
        self.assertTrue(decision.start)
        self.assertEqual(decision.partitions, [("2026", "12", "04", "10")])

    def test_an_object_written_as_the_run_started_counts_as_new(self):
        # The run lists after it starts; an object of that very second may or may not have been read.
        runs = [run("SUCCEEDED", 0)]
        self.assertTrue(precheck.decide(runs, [obj("year=2026/month=12/day=04/hour=10/a.gz", 0)], at(0), PREFIX).start)

    def test_after_a_failed_run_the_objects_it_did_not_load_are_still_new(self):
        runs = [run("FAILED", 5), run("SUCCEEDED", 0)]
        listing = [obj("year=2026/month=12/day=04/hour=10/a.gz", 2)]
        self.assertEqual(precheck.last_loaded_at(runs), at(0))
        self.assertTrue(precheck.decide(runs, listing, precheck.last_loaded_at(runs), PREFIX).start)

    def test_a_job_that_never_succeeded_loads_whatever_is_there(self):
        runs = [run("FAILED", 0)]
        self.assertIsNone(precheck.last_loaded_at(runs))
        self.assertTrue(precheck.decide(runs, [obj("year=2026/month=12/day=04/hour=09/a.gz", -30)], None, PREFIX).start)
        self.assertFalse(precheck.decide([], [], None, PREFIX).start)

    def test_a_run_going_makes_the_check_a_no_op(self):
        for state in ["STARTING", "RUNNING", "STOPPING", "WAITING"]:
            runs = [run(state, 4), run("SUCCEEDED", 0)]
            decision = precheck.decide(runs, [obj("year=2026/month=12/day=04/hour=10/a.gz", 3)], at(0), PREFIX)
            self.assertFalse(decision.start, state)

    def test_keys_outside_the_hour_folders_are_not_data(self):
        runs = [run("SUCCEEDED", 0)]
        listing = [{"Key": PREFIX + "stray.txt", "LastModified": at(3)}, {"Key": "_bad-rows/user-events/x.jsonl", "LastModified": at(3)}]
        self.assertFalse(precheck.decide(runs, listing, at(0), PREFIX).start)

    def test_a_listing_cut_short_loads_rather_than_lists_on(self):
        self.assertTrue(precheck.decide([run("SUCCEEDED", 0)], [], at(0), PREFIX, truncated=True).start)

    def test_the_listing_starts_at_the_hour_folder_before_the_last_load(self):
        self.assertEqual(precheck.start_after(PREFIX, at(5)), PREFIX + "year=2026/month=12/day=04/hour=09/")
        self.assertEqual(precheck.start_after(PREFIX, datetime.datetime(2027, 1, 1, 0, 10, tzinfo=UTC)), PREFIX + "year=2026/month=12/day=31/hour=23/")
        self.assertIsNone(precheck.start_after(PREFIX, None))


class CheckTest(unittest.TestCase):
    def test_an_idle_pipeline_starts_no_run_and_registers_nothing(self):
        glue = FakeGlue([run("SUCCEEDED", 0)])
        s3 = FakeS3([obj("year=2026/month=12/day=04/hour=09/a.gz", -3)])
        decision = precheck.check(glue, s3, ARGS)
        self.assertFalse(decision.start)
        self.assertEqual(glue.started, [])
        self.assertEqual(glue.created, [])
        self.assertEqual(s3.calls[0]["StartAfter"], PREFIX + "year=2026/month=12/day=04/hour=09/")

    def test_new_objects_start_the_job_and_register_their_hour(self):
        glue = FakeGlue([run("SUCCEEDED", 0)], existing=[("2026", "12", "04", "10")])
        s3 = FakeS3([obj("year=2026/month=12/day=04/hour=10/a.gz", 1), obj("year=2026/month=12/day=04/hour=11/b.gz", 62)])
        decision = precheck.check(glue, s3, ARGS)
        self.assertTrue(decision.start)
        self.assertEqual(glue.started, [ARGS["load_job"]])
        self.assertEqual([p["Values"] for p in glue.created], [["2026", "12", "04", "11"]])
        self.assertEqual(glue.created[0]["StorageDescriptor"]["Location"], "s3://landing/user-events/year=2026/month=12/day=04/hour=11/")

    def test_a_listing_is_read_page_by_page(self):
        glue = FakeGlue([run("SUCCEEDED", 0)])
        s3 = FakeS3([obj("year=2026/month=12/day=04/hour=10/%03d.gz" % i, -1) for i in range(5)] + [obj("year=2026/month=12/day=04/hour=10/999.gz", 2)], page=2)
        self.assertTrue(precheck.check(glue, s3, ARGS).start)
        self.assertEqual(len(s3.calls), 3)

    def test_a_run_started_meanwhile_is_not_an_error(self):
        glue = FakeGlue([run("SUCCEEDED", 0)], refuse_start=True)
        s3 = FakeS3([obj("year=2026/month=12/day=04/hour=10/a.gz", 1)])
        self.assertTrue(precheck.check(glue, s3, ARGS).start)
        self.assertEqual(glue.started, [])

    def test_a_run_going_lists_nothing(self):
        glue = FakeGlue([run("RUNNING", 4), run("SUCCEEDED", 0)])
        s3 = FakeS3([obj("year=2026/month=12/day=04/hour=10/a.gz", 1)])
        self.assertFalse(precheck.check(glue, s3, ARGS).start)
        self.assertEqual(s3.calls, [])

    def test_other_partition_errors_fail_the_check(self):
        class Broken(FakeGlue):
            def batch_create_partition(self, DatabaseName, TableName, PartitionInputList):
                return {"Errors": [{"PartitionValues": ["2026"], "ErrorDetail": {"ErrorCode": "AccessDeniedException"}}]}

        with self.assertRaises(RuntimeError):
            precheck.check(Broken([run("SUCCEEDED", 0)]), FakeS3([obj("year=2026/month=12/day=04/hour=10/a.gz", 1)]), ARGS)

    def test_arguments(self):
        argv = sum([["--" + k, v] for k, v in ARGS.items()], [])
        self.assertEqual(precheck.parse_args(["--JOB_ID", "j"] + argv), ARGS)
        with self.assertRaises(ValueError):
            precheck.parse_args(argv[:-2])
        with self.assertRaises(ValueError):
            precheck.parse_args([a if a != PREFIX else "user-events" for a in argv])


if __name__ == "__main__":
    unittest.main()
