#!/usr/bin/env python3
"""Seeds an AWS API emulator with the demo incident's resources, so the live dashboard can be tried without
AWS and without building anything: needs only Python 3 and boto3.

    python3 scripts/seed-emulator.py http://127.0.0.1:4566 [--queues N]

`--queues N` adds N quiet queues (`orders-bulk-001` …), to see how the dashboard holds a bigger account.

It signs as AWS_ACCESS_KEY_ID in AWS_REGION when they are set (default: `test` in us-east-1): on ministack a
12-digit access key is the account, so `AWS_ACCESS_KEY_ID=111111111111 AWS_REGION=eu-west-1` seeds that account
and region, to try several targets in one view.

The same resources the emulator tests seed through the Rust SDK (tests/support/seed.rs::incident): queue
`orders` (5 messages) with its DLQ `orders-dlq` (7 messages, maxReceiveCount 3), function `orders-consumer`
with versions 1 and 2 and alias `live` -> 2 reading the queue, Aurora cluster `core-db` with writer `core-db-1`
and reader `core-db-2`, ten minutes of queue age climbing past 60 s and writer CPU at 90 %, and the age alarm in
ALARM. tests/seed_script.rs runs this script against ministack and reads the result with warroom's own discovery.
"""

import datetime
import json
import os
import sys

import boto3

QUEUE, DLQ, FUNCTION = "orders", "orders-dlq", "orders-consumer"
CLUSTER, WRITER, READER = "core-db", "core-db-1", "core-db-2"
AGE_ALARM = "orders age of oldest message > 60 s"
# An empty zip archive: enough code for a function that is never invoked.
EMPTY_ZIP = bytes([0x50, 0x4B, 0x05, 0x06] + [0] * 18)


def step(what, skipped, action):
    """Runs one part of the seeding; an emulator that lacks it (fakecloud has no RDS, for one) skips that part
    and says so, and the rest is still seeded. True when it took."""
    try:
        action()
        return True
    except Exception as e:  # noqa: BLE001 - any emulator error is reported, not raised
        skipped.append(f"{what}: {e}")
        return False


def main():
    usage = "usage: seed-emulator.py ENDPOINT_URL [--queues N]   (e.g. http://127.0.0.1:4566 --queues 200)"
    args = sys.argv[1:]
    extra = 0
    if len(args) == 3 and args[1] == "--queues":
        if not args[2].isdigit():
            print(f"seed-emulator.py: --queues wants a whole number, not {args[2]!r}\n{usage}", file=sys.stderr)
            sys.exit(2)
        extra, args = int(args[2]), args[:1]
    if len(args) != 1 or args[0].startswith("-"):
        print(usage, file=sys.stderr)
        sys.exit(2)
    url = args[0]
    session = boto3.session.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
    )
    client = lambda service: session.client(service, endpoint_url=url)  # noqa: E731
    sqs, lam, rds, cw = client("sqs"), client("lambda"), client("rds"), client("cloudwatch")

    arn = lambda queue_url: sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[  # noqa: E731
        "Attributes"
    ]["QueueArn"]
    dlq_url = sqs.create_queue(QueueName=DLQ)["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": arn(dlq_url), "maxReceiveCount": "3"})
    queue_url = sqs.create_queue(QueueName=QUEUE, Attributes={"RedrivePolicy": policy})["QueueUrl"]
    for i in range(5):
        sqs.send_message(QueueUrl=queue_url, MessageBody=f"order {i}")
    for i in range(7):
        sqs.send_message(QueueUrl=dlq_url, MessageBody=f"dead order {i}")

    skipped = []
    # What was made, for the summary: only what did take.
    seeded = [f"queue {QUEUE}", f"DLQ {DLQ}"]
    for i in range(1, extra + 1):
        sqs.create_queue(QueueName=f"{QUEUE}-bulk-{i:03}")
    if extra:
        seeded.append(f"{extra} quiet queues {QUEUE}-bulk-001 … {QUEUE}-bulk-{extra:03}")

    def function():
        lam.create_function(
            FunctionName=FUNCTION,
            Runtime="python3.12",
            Role="arn:aws:iam::000000000000:role/orders-consumer",
            Handler="index.handler",
            Code={"ZipFile": EMPTY_ZIP},
        )
        for n in (1, 2):
            lam.update_function_configuration(FunctionName=FUNCTION, Description=f"release {n}")
            lam.publish_version(FunctionName=FUNCTION)
        lam.create_alias(FunctionName=FUNCTION, Name="live", FunctionVersion="2")

    def mapping():
        # Disabled: the emulator would otherwise poll the queue and invoke a function that has no code.
        lam.create_event_source_mapping(
            EventSourceArn=arn(queue_url), FunctionName=f"{FUNCTION}:live", BatchSize=10, Enabled=False
        )

    def database():
        rds.create_db_cluster(
            DBClusterIdentifier=CLUSTER,
            Engine="aurora-postgresql",
            MasterUsername="postgres",
            MasterUserPassword="not-a-real-password",
        )
        for instance in (WRITER, READER):
            rds.create_db_instance(
                DBInstanceIdentifier=instance,
                DBClusterIdentifier=CLUSTER,
                Engine="aurora-postgresql",
                DBInstanceClass="db.r6g.large",
                # The writer with Performance Insights on, as production writers usually are (no emulator serves
                # the pi API itself: the pane says so).
                EnablePerformanceInsights=instance == WRITER,
            )

    def consumer_errors():
        logs = client("logs")
        group = f"/aws/lambda/{FUNCTION}"
        logs.create_log_group(logGroupName=group)
        stream = "2026/12/01/[2]seed"
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        now_ms = int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000)
        messages = [f"ERROR Task timed out after 30.0{i} seconds" for i in range(6)]
        messages.append("ERROR OperationalError: connection to core-db-1 port 5432 failed: Connection refused")
        events = [{"timestamp": now_ms - (len(messages) - i) * 60_000, "message": m} for i, m in enumerate(messages)]
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)

    def seed(what, done, action):
        if step(what, skipped, action):
            seeded.append(done)

    seed("the function, its versions and alias", f"function {FUNCTION} (live -> 2)", function)
    seed("the queue's event source mapping", "its event source mapping", mapping)
    seed("the Aurora cluster", f"cluster {CLUSTER}", database)
    seed("the consumer's error lines", "its error lines", consumer_errors)
    seed("the metrics and the alarm", "metrics and the age alarm", lambda: metrics_and_alarm(cw))
    # Follow mode's bucket and the war room's log group, as the README's follow walkthrough configures them.
    # Outside us-east-1, S3 wants the bucket's region said (CreateBucketConfiguration.LocationConstraint).
    region = session.region_name
    where = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    s3 = client("s3")

    def bucket():
        try:
            s3.create_bucket(Bucket="warroom-follow", **where)
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass

    # Bucket names are global: a second account seeded after the first finds the first one's bucket, which is
    # the one its followers read (with the first account's profile), not something this emulator lacks.
    try:
        bucket()
        seeded.append("bucket warroom-follow")
    except s3.exceptions.BucketAlreadyExists:
        seeded.append("(bucket warroom-follow is another account's: S3 bucket names are global)")
    except Exception as e:  # noqa: BLE001 - any emulator error is reported, not raised
        skipped.append(f"the follow bucket warroom-follow: {e}")
    seed(
        "the war room /warroom/incidents",
        "log group /warroom/incidents",
        lambda: client("logs").create_log_group(logGroupName="/warroom/incidents"),
    )
    print(f"seeded {url}: {', '.join(seeded)}")
    for what in skipped:
        print(f"not seeded: {what}", file=sys.stderr)


def metrics_and_alarm(cw):
    """Ten minutes of queue age climbing past 60 s and writer CPU at 90 %, and the age alarm in ALARM."""
    now = datetime.datetime.now(datetime.timezone.utc)
    series = [
        ("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", QUEUE, lambda m: 20.0 * m),
        ("AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", WRITER, lambda m: 90.0),
    ]
    for m in range(10):
        at = now - datetime.timedelta(minutes=10 - m)
        for namespace, metric, dimension, resource, value in series:
            datum = {
                "MetricName": metric,
                "Dimensions": [{"Name": dimension, "Value": resource}],
                "Timestamp": at,
                "Value": value(m),
            }
            cw.put_metric_data(Namespace=namespace, MetricData=[datum])
    cw.put_metric_alarm(
        AlarmName=AGE_ALARM,
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": QUEUE}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=60.0,
        ComparisonOperator="GreaterThanThreshold",
    )
    cw.set_alarm_state(
        AlarmName=AGE_ALARM,
        StateValue="ALARM",
        StateReason="Threshold Crossed: 1 datapoint [180.0] was greater than the threshold (60.0)",
    )


if __name__ == "__main__":
    main()
