//! The budget against ministack through the counting proxy: every call of the clients waits for its quota's
//! pace (`warroom::aws::budget`), the label that names its API for the budget never reaches the endpoint, and
//! the calls view's figures are what the emulator received. Figures, not timings: a request that had to wait is
//! counted by the budget itself.
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::Emulator;
use support::proxy::{CountingProxy, Fault, Rule};
use warroom::aws::budget::{ACTION_HEADER, Allowance, Budget};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_waits_for_its_quota_and_the_label_never_leaves() {
    let emulator = Emulator::start("budget");
    let direct = emulator.sdk_config().await;
    // Any request still carrying the budget's label is refused: the label must be gone before it is sent.
    let refuse_label = Rule {
        request_line: ACTION_HEADER.to_string(),
        fault: Fault::Respond {
            status: 400,
            error_type: "LabelLeaked",
            message: "x-warroom-action reached AWS".into(),
        },
        times: 1_000,
    };
    let proxy = CountingProxy::with_faults(&emulator.url, vec![refuse_label]);
    let config = direct.into_builder().endpoint_url(&proxy.url).build();
    // One ListQueues every five seconds, a burst of one: the second call must wait for the first's share.
    let tight = [Allowance {
        bucket: "test: ListQueues",
        actions: &["sqs:ListQueues"],
        quota_per_second: Some(1.0),
        pace_per_second: 0.2,
        service_quota: None,
    }];
    let budget = Budget::new(&tight);
    let clients = warroom::aws::Clients::with_budget(&config, budget.clone());
    for _ in 0..2 {
        clients.sqs.list_queues().send().await.expect("ListQueues through the paced client");
    }
    assert_eq!(budget.waited("sqs:ListQueues"), 1, "the second call waited for the pace");
    assert_eq!(proxy.target_count("AmazonSQS.ListQueues"), 2, "both reached the endpoint");
    // An API outside the tight budget is not held.
    clients.sqs.get_queue_url().queue_name("absent").send().await.ok();
    assert_eq!(budget.waited("sqs:GetQueueUrl"), 0);
    // The calls view's figures: what the emulator received, by API, against the allowance.
    let rates = warroom::aws::budget::rates(&clients.calls, &clients.budget);
    let list = rates.iter().find(|r| r.action == "sqs:ListQueues").expect("ListQueues counted");
    assert_eq!((list.last_minute, list.total, list.failed), (2, 2, 0), "{list:?}");
    // Against the allowance these clients pace it by (the tight one), not the shipped table's.
    let budget_line = list.budget.as_ref().expect("ListQueues is paced");
    assert_eq!((budget_line.bucket.as_str(), budget_line.pace_per_minute), ("test: ListQueues", 12));
    let unpaced = rates.iter().find(|r| r.action == "sqs:GetQueueUrl").expect("GetQueueUrl counted");
    assert_eq!(unpaced.budget, None, "outside the tight budget");
}
