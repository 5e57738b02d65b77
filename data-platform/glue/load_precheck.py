"""Pre-check of one pipeline's load job: start the Spark job only when there is something to load.

A Glue Python shell job on the load job's schedule: it starts the load (StartJobRun) only if an object
landed since the last successful run started, and registers the new hour folders as partitions. Why that
test is safe: docs/design.md, "The pre-check job".

Arguments: --load_job (the load job's name), --bucket, --prefix (the pipeline's folder, e.g.
`user-events/`), --database and --table (the landing table), --aws_region.
"""
import datetime
import re
import sys

ACTIVE_STATES = frozenset(["STARTING", "RUNNING", "STOPPING", "WAITING"])
# Firehose writes each object under the hour folder of its oldest record's arrival (shared/pipeline-codegen/s3-prefix.ts).
HOUR_FOLDER = re.compile(r"^year=(\d{4})/month=(\d{2})/day=(\d{2})/hour=(\d{2})/")
# At most this many keys are listed per check; past it the check starts the job rather than list on.
MAX_KEYS_LISTED = 10000
# The oldest record of an object arrived at most one Firehose buffer interval (900 s at most) before the
# object was written, so an object written after `since` sits in the hour folder of since - 1 h or later.
FOLDER_LAG = datetime.timedelta(hours=1)


class Decision(object):
    def __init__(self, start, reason, partitions):
        self.start = start
        self.reason = reason
        # (year, month, day, hour) folders holding new objects, sorted.
        self.partitions = partitions

    def __repr__(self):
        return "Decision(start=%r, reason=%r, partitions=%r)" % (self.start, self.reason, self.partitions)


def run_going(runs):
    """Whether a run of the job is starting, running, waiting or stopping."""
    return any(run.get("JobRunState") in ACTIVE_STATES for run in runs)


def last_loaded_at(runs):
    """The start of the latest successful run (its bookmark covers what was written before), or None."""
    starts = [run["StartedOn"] for run in runs if run.get("JobRunState") == "SUCCEEDED" and run.get("StartedOn") is not None]
    return max(starts) if starts else None


def start_after(prefix, since):
    """The ListObjectsV2 StartAfter key: the hour folder before the one `since` falls in (keys sort by hour)."""
    if since is None:
        return None
    folder_time = since.astimezone(datetime.timezone.utc) - FOLDER_LAG
    return prefix + folder_time.strftime("year=%Y/month=%m/day=%d/hour=%H/")


def hour_partition(prefix, key):
    """(year, month, day, hour) of an object under `prefix`, or None for a key outside the hour folders."""
    if not key.startswith(prefix):
        return None
    match = HOUR_FOLDER.match(key[len(prefix):])
    return match.groups() if match else None


def decide(runs, objects, since, prefix, truncated=False):
    """What the check does, from the job's runs and the listed objects (dicts with Key and LastModified).

    `since` is last_loaded_at(runs); `truncated` says the listing stopped before its end.
    """
    if run_going(runs):
        return Decision(False, "a run of the job is going", [])
    new = [obj for obj in objects if hour_partition(prefix, obj["Key"]) is not None and (since is None or obj["LastModified"] >= since)]
    partitions = sorted(set(hour_partition(prefix, obj["Key"]) for obj in new))
    if new:
        return Decision(True, "%d object(s) written since the last successful load" % len(new), partitions)
    if truncated:
        return Decision(True, "listing stopped after %d keys: loading rather than listing on" % MAX_KEYS_LISTED, partitions)
    return Decision(False, "nothing written since the last successful load", [])


def job_runs(glue, job_name, pages=5):
    """The job's recent runs (GetJobRuns returns the newest first); a few pages reach past any retries."""
    runs, token = [], None
    for _ in range(pages):
        kwargs = {"JobName": job_name, "MaxResults": 200}
        if token:
            kwargs["NextToken"] = token
        page = glue.get_job_runs(**kwargs)
        runs.extend(page.get("JobRuns", []))
        if last_loaded_at(runs) is not None or not page.get("NextToken"):
            break
        token = page["NextToken"]
    return runs


def list_objects(s3, bucket, prefix, after):
    """Objects under `prefix` after key `after`; (objects, truncated)."""
    objects, token = [], None
    while True:
        kwargs = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": 1000}
        if token:
            kwargs["ContinuationToken"] = token
        elif after:
            kwargs["StartAfter"] = after
        page = s3.list_objects_v2(**kwargs)
        objects.extend(page.get("Contents", []))
        if not page.get("IsTruncated"):
            return objects, False
        if len(objects) >= MAX_KEYS_LISTED:
            return objects, True
        token = page["NextContinuationToken"]


def register_partitions(glue, database, table, bucket, prefix, partitions):
    """Adds each hour folder as a partition of the landing table, in the table's own storage format."""
    if not partitions:
        return
    descriptor = glue.get_table(DatabaseName=database, Name=table)["Table"]["StorageDescriptor"]
    inputs = []
    for year, month, day, hour in partitions:
        sd = dict(descriptor)
        sd["Location"] = "s3://%s/%syear=%s/month=%s/day=%s/hour=%s/" % (bucket, prefix, year, month, day, hour)
        inputs.append({"Values": [year, month, day, hour], "StorageDescriptor": sd})
    for i in range(0, len(inputs), 100):
        result = glue.batch_create_partition(DatabaseName=database, TableName=table, PartitionInputList=inputs[i:i + 100])
        for error in result.get("Errors", []):
            if error.get("ErrorDetail", {}).get("ErrorCode") != "AlreadyExistsException":
                raise RuntimeError("BatchCreatePartition %s: %s" % (error.get("PartitionValues"), error.get("ErrorDetail")))


def check(glue, s3, args):
    runs = job_runs(glue, args["load_job"])
    since = last_loaded_at(runs)
    objects, truncated = ([], False) if run_going(runs) else list_objects(s3, args["bucket"], args["prefix"], start_after(args["prefix"], since))
    decision = decide(runs, objects, since, args["prefix"], truncated)
    register_partitions(glue, args["database"], args["table"], args["bucket"], args["prefix"], decision.partitions)
    if decision.start:
        try:
            run_id = glue.start_job_run(JobName=args["load_job"])["JobRunId"]
            print("started %s run %s: %s" % (args["load_job"], run_id, decision.reason))
        except glue.exceptions.ConcurrentRunsExceededException:
            print("not started: a run of %s started meanwhile" % args["load_job"])
    else:
        print("not started: %s" % decision.reason)
    return decision


def parse_args(argv):
    names = ["load_job", "bucket", "prefix", "database", "table", "aws_region"]
    args = {}
    for i, arg in enumerate(argv):
        if arg.startswith("--") and arg[2:] in names and i + 1 < len(argv):
            args[arg[2:]] = argv[i + 1]
    missing = [name for name in names if name not in args]
    if missing:
        raise ValueError("missing job arguments: %s" % ", ".join("--" + name for name in missing))
    if not args["prefix"].endswith("/"):
        raise ValueError("--prefix must end with / (got %r)" % args["prefix"])
    return args


def main(argv):
    import boto3  # available in the Glue Python shell runtime

    args = parse_args(argv)
    glue = boto3.client("glue", region_name=args["aws_region"])
    s3 = boto3.client("s3", region_name=args["aws_region"])
    check(glue, s3, args)


if __name__ == "__main__":
    main(sys.argv[1:])
