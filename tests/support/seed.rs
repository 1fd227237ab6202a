//! Seeds an emulator with the incident's resources, through the AWS SDK itself.
#![allow(dead_code)]

use aws_config::SdkConfig;
use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, MetricDatum, StateValue, Statistic};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use aws_sdk_sqs::types::QueueAttributeName;
use chrono::Utc;

pub const QUEUE: &str = "orders";
pub const DLQ: &str = "orders-dlq";
pub const FUNCTION: &str = "orders-consumer";
pub const CLUSTER: &str = "core-db";
pub const WRITER: &str = "core-db-1";
pub const READER: &str = "core-db-2";
pub const AGE_ALARM: &str = "orders age of oldest message > 60 s";

/// An empty zip archive: enough code for a function that is never invoked.
const EMPTY_ZIP: [u8; 22] = [0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

pub struct Seeded {
    pub queue_url: String,
    pub dlq_url: String,
    pub dlq_arn: String,
    pub queue_arn: String,
}

pub async fn queues(config: &SdkConfig, queued: usize, dead: usize) -> Seeded {
    let sqs = aws_sdk_sqs::Client::new(config);
    let dlq_url =
        sqs.create_queue().queue_name(DLQ).send().await.expect("create dlq").queue_url().expect("url").to_string();
    let arn_of = |url: String| {
        let sqs = sqs.clone();
        async move {
            let attrs = sqs
                .get_queue_attributes()
                .queue_url(url)
                .attribute_names(QueueAttributeName::QueueArn)
                .send()
                .await
                .expect("queue arn");
            attrs.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).cloned().expect("arn")
        }
    };
    let dlq_arn = arn_of(dlq_url.clone()).await;
    let policy = format!(r#"{{"deadLetterTargetArn":"{dlq_arn}","maxReceiveCount":"3"}}"#);
    let queue_url = sqs
        .create_queue()
        .queue_name(QUEUE)
        .attributes(QueueAttributeName::RedrivePolicy, policy)
        .send()
        .await
        .expect("create queue")
        .queue_url()
        .expect("url")
        .to_string();
    let queue_arn = arn_of(queue_url.clone()).await;
    for i in 0..queued {
        sqs.send_message().queue_url(&queue_url).message_body(format!("order {i}")).send().await.expect("send");
    }
    for i in 0..dead {
        sqs.send_message().queue_url(&dlq_url).message_body(format!("dead order {i}")).send().await.expect("send dlq");
    }
    Seeded { queue_url, dlq_url, dlq_arn, queue_arn }
}

/// Dead-letters `count` messages the way SQS does: sent to the source queue and received past its
/// maxReceiveCount (3), so each carries its source queue and a redrive with no destination can return it.
pub async fn dead_letter(config: &SdkConfig, queue_url: &str, count: usize) {
    let sqs = aws_sdk_sqs::Client::new(config);
    for i in 0..count {
        sqs.send_message().queue_url(queue_url).message_body(format!("failed order {i}")).send().await.expect("send");
    }
    // Visibility 0: each receive makes the message visible again at once, and counts against maxReceiveCount.
    for _ in 0..(4 * count).max(8) {
        sqs.receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .visibility_timeout(0)
            .send()
            .await
            .expect("receive");
    }
}

/// orders-consumer with versions 1 and 2, alias `live` → 2, reading the queue.
pub async fn function(config: &SdkConfig, queue_arn: &str) {
    published_function(config).await;
    let lambda = aws_sdk_lambda::Client::new(config);
    lambda.create_alias().function_name(FUNCTION).name("live").function_version("2").send().await.expect("alias");
    lambda
        .create_event_source_mapping()
        .event_source_arn(queue_arn)
        .function_name(format!("{FUNCTION}:live"))
        .batch_size(10)
        // Disabled: the emulator would otherwise poll the queue and invoke a function that has no code.
        .enabled(false)
        .send()
        .await
        .expect("event source mapping");
}

/// The function with versions 1 and 2 published (their descriptions differ, their code is the same).
pub async fn published_function(config: &SdkConfig) {
    let lambda = aws_sdk_lambda::Client::new(config);
    lambda
        .create_function()
        .function_name(FUNCTION)
        .runtime(Runtime::Python312)
        .role("arn:aws:iam::000000000000:role/orders-consumer")
        .handler("index.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(EMPTY_ZIP.to_vec())).build())
        .send()
        .await
        .expect("create function");
    for n in 1..=2 {
        lambda
            .update_function_configuration()
            .function_name(FUNCTION)
            .description(format!("release {n}"))
            .send()
            .await
            .expect("update configuration");
        let v = lambda.publish_version().function_name(FUNCTION).send().await.expect("publish");
        assert_eq!(v.version(), Some(n.to_string().as_str()), "versions are published in order");
    }
}

/// A zip archive with nothing in it but `comment`: a deployment package whose CodeSha256 differs from the seed's.
pub fn package(comment: &str) -> Vec<u8> {
    let mut zip = EMPTY_ZIP[..20].to_vec();
    zip.extend(u16::try_from(comment.len()).expect("a short comment").to_le_bytes());
    zip.extend(comment.as_bytes());
    zip
}

/// A queue named `queue` whose event source mapping invokes the function unqualified ($LATEST), disabled (the
/// emulator's poller would otherwise invoke it), and new code shipped straight to $LATEST, as the Serverless
/// Framework and the CDK ship it: its versions 1 and 2 now hold earlier code. The mapping's UUID.
pub async fn latest_consumer(config: &SdkConfig, queue: &str) -> String {
    let sqs = aws_sdk_sqs::Client::new(config);
    let url = sqs.create_queue().queue_name(queue).send().await.expect("queue").queue_url.expect("url");
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("attributes");
    let arn = attributes.attributes().and_then(|a| a.get(&QueueAttributeName::QueueArn)).expect("arn").clone();
    let lambda = aws_sdk_lambda::Client::new(config);
    let mapping = lambda
        .create_event_source_mapping()
        .event_source_arn(arn)
        .function_name(FUNCTION)
        .batch_size(10)
        .enabled(false)
        .send()
        .await
        .expect("event source mapping");
    lambda
        .update_function_code()
        .function_name(FUNCTION)
        .zip_file(Blob::new(package("release 3")))
        .send()
        .await
        .expect("update function code");
    mapping.uuid().expect("uuid").to_string()
}

/// core-db: an Aurora PostgreSQL cluster with a writer and a reader.
pub async fn database(config: &SdkConfig) {
    let rds = aws_sdk_rds::Client::new(config);
    aurora_cluster(&rds, CLUSTER).await;
    for id in [WRITER, READER] {
        rds.create_db_instance()
            .db_instance_identifier(id)
            .db_cluster_identifier(CLUSTER)
            .engine("aurora-postgresql")
            .db_instance_class("db.r6g.large")
            .send()
            .await
            .expect("create instance");
    }
}

/// An empty Aurora PostgreSQL cluster.
pub async fn aurora_cluster(rds: &aws_sdk_rds::Client, id: &str) {
    rds.create_db_cluster()
        .db_cluster_identifier(id)
        .engine("aurora-postgresql")
        .master_username("postgres")
        .master_user_password("not-a-real-password")
        .send()
        .await
        .expect("create cluster");
}

/// A Multi-AZ DB cluster (PostgreSQL, not Aurora): one writer and two readers that the cluster manages.
pub async fn multi_az_cluster(config: &SdkConfig, id: &str) {
    aws_sdk_rds::Client::new(config)
        .create_db_cluster()
        .db_cluster_identifier(id)
        .engine("postgres")
        .db_cluster_instance_class("db.m6gd.large")
        .storage_type("io1")
        .allocated_storage(100)
        .iops(1000)
        .master_username("postgres")
        .master_user_password("not-a-real-password")
        .send()
        .await
        .expect("create Multi-AZ DB cluster");
}

/// Ten minutes of queue age climbing past 60 s and writer CPU at 90 %, and the age alarm in ALARM.
pub async fn metrics_and_alarm(config: &SdkConfig) {
    let cw = aws_sdk_cloudwatch::Client::new(config);
    let now = Utc::now().timestamp();
    for m in 0..10i64 {
        let at = aws_sdk_cloudwatch::primitives::DateTime::from_secs(now - (10 - m) * 60);
        let age = MetricDatum::builder()
            .metric_name("ApproximateAgeOfOldestMessage")
            .dimensions(Dimension::builder().name("QueueName").value(QUEUE).build())
            .timestamp(at)
            .value(20.0 * m as f64)
            .build();
        cw.put_metric_data().namespace("AWS/SQS").metric_data(age).send().await.expect("put sqs metric");
        let cpu = MetricDatum::builder()
            .metric_name("CPUUtilization")
            .dimensions(Dimension::builder().name("DBInstanceIdentifier").value(WRITER).build())
            .timestamp(at)
            .value(90.0)
            .build();
        cw.put_metric_data().namespace("AWS/RDS").metric_data(cpu).send().await.expect("put rds metric");
    }
    age_alarm_in_alarm(&cw, AGE_ALARM, QUEUE).await;
}

/// A metric alarm `name` on `metric` (namespace and name) of one resource (dimension name and value): above
/// `threshold` by `statistic` over one minute.
pub async fn metric_alarm(
    cw: &aws_sdk_cloudwatch::Client,
    name: &str,
    (namespace, metric): (&str, &str),
    (dimension, resource): (&str, &str),
    statistic: Statistic,
    threshold: f64,
) {
    cw.put_metric_alarm()
        .alarm_name(name)
        .namespace(namespace)
        .metric_name(metric)
        .dimensions(Dimension::builder().name(dimension).value(resource).build())
        .statistic(statistic)
        .period(60)
        .evaluation_periods(1)
        .threshold(threshold)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("put alarm");
}

/// An age-of-oldest-message alarm on `queue` > 60 s, set to ALARM (one StateUpdate in its history).
pub async fn age_alarm_in_alarm(cw: &aws_sdk_cloudwatch::Client, name: &str, queue: &str) {
    let metric = ("AWS/SQS", "ApproximateAgeOfOldestMessage");
    metric_alarm(cw, name, metric, ("QueueName", queue), Statistic::Maximum, 60.0).await;
    cw.set_alarm_state()
        .alarm_name(name)
        .state_value(StateValue::Alarm)
        .state_reason("Threshold Crossed: 1 datapoint [180.0] was greater than the threshold (60.0)")
        .send()
        .await
        .expect("set alarm state");
}

/// A management call made by hand on the queue at `queue_url` (its visibility timeout set), for CloudTrail.
pub async fn change_by_hand(config: &SdkConfig, queue_url: &str) {
    aws_sdk_sqs::Client::new(config)
        .set_queue_attributes()
        .queue_url(queue_url)
        .attributes(QueueAttributeName::VisibilityTimeout, "60")
        .send()
        .await
        .expect("a change by hand");
}

/// Everything above.
pub async fn incident(config: &SdkConfig) -> Seeded {
    let seeded = queues(config, 5, 7).await;
    function(config, &seeded.queue_arn).await;
    database(config).await;
    metrics_and_alarm(config).await;
    seeded
}
