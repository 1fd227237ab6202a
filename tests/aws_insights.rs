//! Performance Insights through the real SDK. No AWS emulator implements the `pi` service (ministack, fakecloud
//! and moto lack it), so `support::pi_server` serves its JSON 1.1 protocol with the API reference's shapes:
//! paging, windows aligned to the period, and the errors for Performance Insights off and not permitted. The
//! instances, their `PerformanceInsightsEnabled`, `DbiResourceId` and class come from ministack's RDS.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use chrono::{DateTime, Duration, Utc};
use support::Emulator;
use support::pi_server::{PiInstance, PiServer, PiState, PiStatement, PiWait};
use warroom::telemetry::aws::insights::{self, PiInstance as Watched};
use warroom_core::model::{Data, InsightsAccess, Observation};

const SELECT: &str = "SELECT o.id, o.total FROM orders o WHERE o.customer_id = ? AND o.status = ?";
const INDEX: &str = "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id)";
const INSERT: &str = "INSERT INTO orders (id, customer_id, total) VALUES (?, ?, ?)";

fn minute(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp() / 60 * 60, 0).unwrap()
}

/// `load` AAS for every minute from `from` (minutes before `now`) to `now`.
fn load(now: DateTime<Utc>, from: i64, load: f64) -> Vec<(i64, f64)> {
    (0..from).map(|m| ((now - Duration::minutes(from - m)).timestamp(), load)).collect()
}

/// Three hours of an insert; the new select from 20 minutes ago, the index build from 18; waits that add up.
fn incident(now: DateTime<Utc>) -> PiState {
    let statement = |id: &str, text: &str, load| PiStatement { id: id.into(), statement: text.into(), load };
    let wait = |name: &str, kind: &str, load| PiWait { name: name.into(), kind: kind.into(), load };
    // Five light statements all along: with them the answer has more series than a page holds.
    let light = (1..=5).map(|i| statement(&format!("LIGHT{i}"), &format!("SELECT ? FROM t{i}"), load(now, 180, 0.1)));
    PiState::Enabled {
        statements: [
            statement("INS0", INSERT, load(now, 180, 0.5)),
            statement("SEL0", SELECT, load(now, 20, 3.0)),
            statement("IDX0", INDEX, load(now, 18, 1.0)),
        ]
        .into_iter()
        .chain(light)
        .collect(),
        waits: vec![
            wait("CPU", "CPU", load(now, 180, 1.0)),
            wait("IO:DataFileRead", "IO", load(now, 20, 3.0)),
            wait("IO:BufFileWrite", "IO", load(now, 18, 1.0)),
        ],
    }
}

async fn pi_client(url: &str) -> aws_sdk_pi::Client {
    use aws_config::{BehaviorVersion, Region};
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_sts::config::Credentials::new("test", "test", None, None, "tests"))
        .load()
        .await;
    aws_sdk_pi::Client::new(&config)
}

/// How the instance's read went, as the dashboard would show it (Performance Insights on, by DescribeDBInstances).
fn access_of(obs: &[Observation], instance: &str) -> Option<InsightsAccess> {
    let mut data = Data::default();
    data.apply(Observation::Insights { instance: instance.to_string(), enabled: true, vcpus: None });
    for o in obs.iter().filter(|o| matches!(o, Observation::InsightsRead { .. })) {
        data.apply(o.clone());
    }
    data.insights.get(instance)?.access()
}

/// The top statements of the last five minutes in order with their load, the one-minute history of three
/// hours (paged), and a statement absent before the onset flagged new since it appeared; an instance with
/// Performance Insights off and one the caller may not read each say so with the remedy, and the others read on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn top_sql_and_its_history_come_from_performance_insights() {
    let now = minute(Utc::now());
    let server = PiServer::start(vec![
        PiInstance { resource_id: "db-WRITER".into(), state: incident(now) },
        PiInstance { resource_id: "db-OFF".into(), state: PiState::NotEnabled },
        PiInstance { resource_id: "db-DENIED".into(), state: PiState::Denied },
    ]);
    let client = pi_client(&server.url).await;
    let watched = |id: &str, resource: &str| Watched { id: id.into(), resource_id: resource.into() };
    let instances = [watched("core-db-1", "db-WRITER"), watched("off-db", "db-OFF"), watched("locked-db", "db-DENIED")];
    let reads: Vec<(Watched, DateTime<Utc>)> =
        instances.iter().map(|i| (i.clone(), now - Duration::hours(3))).collect();
    let obs = insights::poll(&client, &reads, now).await;

    let top = obs
        .iter()
        .find_map(|o| match o {
            Observation::TopSql { instance, top } if instance == "core-db-1" => Some(top),
            _ => None,
        })
        .expect("the writer's top SQL");
    let said: Vec<(&str, f64)> =
        top.statements.iter().map(|(s, l)| (s.text.as_str(), (l * 100.0).round() / 100.0)).collect();
    assert_eq!(said[..3], [(SELECT, 3.0), (INDEX, 1.0), (INSERT, 0.5)]);
    assert_eq!(said.len(), 8);
    assert_eq!(top.to - top.from, Duration::minutes(5), "the last five minutes");
    assert_eq!(access_of(&obs, "core-db-1"), Some(InsightsAccess::On));

    // Off: pi's own answer, and the remedy says how to check and turn it on.
    let Some(InsightsAccess::Failed(off)) = access_of(&obs, "off-db") else { panic!("{obs:?}") };
    assert!(off.starts_with("pi:DescribeDimensionKeys") && off.contains("NotAuthorizedException"), "{off}");
    let remedy = InsightsAccess::Failed(off.clone()).explain("off-db").unwrap();
    assert!(remedy.contains("PerformanceInsightsEnabled"), "{remedy}");
    // Not permitted: names the IAM actions and the policy that grants them.
    let Some(InsightsAccess::Failed(denied)) = access_of(&obs, "locked-db") else { panic!("{obs:?}") };
    let remedy = InsightsAccess::Failed(denied.clone()).explain("locked-db").unwrap();
    assert!(remedy.contains("pi:GetResourceMetrics") && remedy.contains("policies/observer.json"), "{remedy}");

    // One DescribeDimensionKeys per instance; GetResourceMetrics asked once per minute period from the start of
    // the minute, with the three queries, and paged (the writer's 1 + 4 + 9 series are more than a page).
    assert_eq!(server.calls("DescribeDimensionKeys"), 3);
    let grm: Vec<serde_json::Value> =
        server.requests("GetResourceMetrics").into_iter().filter(|r| r["Identifier"] == "db-WRITER").collect();
    assert!(grm.len() >= 2, "paged: {grm:?}");
    assert_eq!(grm[0]["PeriodInSeconds"], 60);
    assert_eq!(grm[0]["PeriodAlignment"], "START_TIME");
    assert_eq!(grm[0]["MetricQueries"].as_array().map(Vec::len), Some(3));
    assert!(grm[1]["NextToken"].is_string());

    let mut data = Data::default();
    for o in obs {
        data.apply(o);
    }
    let writer = &data.insights["core-db-1"];
    assert_eq!(writer.total.len(), 180, "three hours of minutes");
    assert_eq!(writer.waits.len(), 3);
    assert!(writer.statements.contains_key("SEL0"));
    // Points are minute starts: the select's first with load is 20 minutes ago.
    let first = writer.statements["SEL0"].1.iter().find(|p| p.value > 0.0).map(|p| p.at);
    assert_eq!(first, Some(now - Duration::minutes(20)));

    let sql = warroom_core::incident::top_sql::now(&data, Some(now - Duration::minutes(15)), now);
    let rows = &sql.iter().find(|s| s.instance == "core-db-1").expect("the writer").rows;
    let flags: Vec<(&str, bool, Option<DateTime<Utc>>)> =
        rows.iter().take(3).map(|r| (r.statement.id.as_str(), r.new, r.since)).collect();
    assert_eq!(
        flags,
        [
            ("SEL0", true, Some(now - Duration::minutes(20))),
            ("IDX0", true, Some(now - Duration::minutes(18))),
            ("INS0", false, None),
        ]
    );
    assert!(rows[3..].iter().all(|r| !r.new), "the light ones ran all along");
    assert_eq!(rows[0].share.map(|s| (s * 100.0).round()), Some(60.0), "3 of 5 AAS");
}

/// Against ministack's RDS: the writer created with Performance Insights on is read from pi by its
/// `DbiResourceId` with its vCPUs from its class, the reader without it says "off" with the command that turns
/// it on, and both ride the dashboard's own polls (inventory, then metrics).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_reads_top_sql_for_instances_with_performance_insights_on() {
    use warroom_core::model::Feed;
    let emulator = Emulator::start("insights");
    let config = emulator.sdk_config().await;
    let rds = aws_sdk_rds::Client::new(&config);
    support::seed::aurora_cluster(&rds, "pi-db").await;
    for (id, on) in [("pi-db-1", true), ("pi-db-2", false)] {
        rds.create_db_instance()
            .db_instance_identifier(id)
            .db_cluster_identifier("pi-db")
            .engine("aurora-postgresql")
            .db_instance_class("db.r6g.xlarge")
            .enable_performance_insights(on)
            .send()
            .await
            .expect("create instance");
    }
    let described = rds.describe_db_instances().db_instance_identifier("pi-db-1").send().await.expect("describe");
    let resource_id = described.db_instances()[0].dbi_resource_id().expect("DbiResourceId").to_string();
    let now = minute(Utc::now());
    let server = PiServer::start(vec![PiInstance { resource_id: resource_id.clone(), state: incident(now) }]);

    let mut connection = warroom::aws::connect_with(&config).await.expect("connect");
    // Performance Insights from the test server, everything else from ministack: what AWS_ENDPOINT_URL_PI does.
    connection.clients.pi = pi_client(&server.url).await;
    let watch = warroom_core::config::Watch { clusters: vec!["pi-db".into()], ..Default::default() };
    let telemetry = warroom::telemetry::aws::AwsTelemetry::new(connection, Some(watch));
    let mut state = support::live_state("test");
    // The feeds start together: the first metrics poll comes before the inventory poll has found which
    // instances have Performance Insights on; the next one still reaches back three hours for them.
    support::poll_into(&telemetry, &mut state, &[Feed::Metrics, Feed::Inventory, Feed::Metrics]).await;

    let writer = &state.data.insights["pi-db-1"];
    assert_eq!((writer.access(), writer.vcpus), (Some(InsightsAccess::On), Some(4)));
    let reader = &state.data.insights["pi-db-2"];
    assert_eq!(reader.access(), Some(InsightsAccess::Off));
    assert!(reader.access().unwrap().explain("pi-db-2").unwrap().contains("--enable-performance-insights"));
    assert!(writer.top.as_ref().is_some_and(|t| t.statements[0].0.text == SELECT), "{:?}", writer.top);
    assert!(writer.total.len() >= 170, "three hours of history: {} points", writer.total.len());
    assert!(server.requests("DescribeDimensionKeys").iter().all(|r| r["Identifier"] == resource_id.as_str()));
    // Only the instance with it on is asked: per metrics poll (a minute), one DescribeDimensionKeys and one
    // GetResourceMetrics, paged (here 15 series, more than a page of 10).
    assert_eq!(server.calls("DescribeDimensionKeys"), 1);
    let first_poll = server.calls("GetResourceMetrics");
    support::poll_into(&telemetry, &mut state, &[Feed::Metrics]).await;
    let (ddk, grm) = (server.calls("DescribeDimensionKeys"), server.calls("GetResourceMetrics") - first_poll);
    println!(
        "second metrics poll, 1 instance with Performance Insights: DescribeDimensionKeys {}, GetResourceMetrics {grm} (pages)",
        ddk - 1
    );
    assert_eq!(ddk, 2);
    assert!((1..=2).contains(&grm), "{grm}");
}
