//! Follow mode: what an operating dashboard publishes (`warroom_core::follow`, written by `warroom::follow`) is
//! enough for a follower to show the same panes, and following costs no telemetry call.
//!
//! - Offline: the demo's folds, written as JSON and read back, rebuild the publisher's data from a full snapshot
//!   taken midway and the deltas after it.
//! - Against ministack's S3 through a counting proxy: ten followers (the real reader, in-process) reach the
//!   publisher's data within seconds; every request they make is a read of the stream's bucket; the lag from
//!   the publisher's fold to each follower's is printed (median, p95).
// Tests and their set-up fail loudly: unwrap, expect and panic are how they say what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use support::Emulator;
use support::proxy::CountingProxy;
use warroom::follow::followed::Anchor;
use warroom::follow::publish::{Publish, Snapshot, publish};
use warroom::follow::read::follow;
use warroom::follow::{DEFAULT_PREFIX, StreamLink};
use warroom_core::follow::{Folded, Full, Publisher, Stamp};
use warroom_core::model::{Feed, Session, SessionKind};
use warroom_core::scene::Scene;
use warroom_core::sim::observe;
use warroom_core::state::{Msg, State};

const BUCKET: &str = "warroom-follow";

/// The data as JSON: what the panes render from, compared whole.
fn data_json(state: &State) -> String {
    serde_json::to_string(&state.data).expect("data is JSON")
}

/// One round of the demo: the world a minute on, every feed polled; the folds, in order.
fn round(scene: &mut Scene, minute: f64) -> Vec<Folded> {
    let t = scene.world.at_minute(minute);
    scene.world.advance_to(t);
    Feed::ALL.into_iter().map(|feed| Folded::Telemetry { feed, result: Ok(observe(&mut scene.world, feed)) }).collect()
}

/// Equal JSON, or a panic showing where the two first differ.
fn assert_same(theirs: &str, ours: &str, what: &str) {
    if theirs == ours {
        return;
    }
    let at = theirs.bytes().zip(ours.bytes()).position(|(a, b)| a != b).unwrap_or(theirs.len().min(ours.len()));
    let around = |s: &str| s.get(at.saturating_sub(200)..(at + 200).min(s.len())).unwrap_or("").to_string();
    panic!("{what} differ at byte {at}: …{}… vs …{}…", around(theirs), around(ours));
}

fn fold(state: &mut State, folded: Folded) {
    match folded {
        Folded::Telemetry { feed, result } => state.update(Msg::Telemetry { feed, result }),
        Folded::Shared(lines) => state.update(Msg::Shared(lines.into_iter().map(|l| l.into_entry()).collect())),
        Folded::Verified(verified) => state.update(Msg::Verified(verified)),
    };
}

fn follower_state() -> State {
    let session = Session { operator: "bob".into(), kind: SessionKind::Live, read_only: true };
    State::new(session, "following".into(), Default::default(), chrono::DateTime::UNIX_EPOCH)
}

fn publisher() -> Publisher {
    Publisher {
        name: "alice@bastion-1".into(),
        session_id: "20261201T140000-1".into(),
        location: "orders incident (simulated)".into(),
        kind: SessionKind::Demo,
        speed: 1.0,
    }
}

#[test]
fn a_full_snapshot_and_the_deltas_after_it_rebuild_the_publishers_data() {
    let mut scene = Scene::at_minute(0.0, false);
    let mut folds_after_full = Vec::new();
    let mut full = None;
    for minute in 1..=40 {
        for folded in round(&mut scene, f64::from(minute)) {
            // Through JSON, as the stream carries it.
            let carried: Folded = serde_json::from_slice(&serde_json::to_vec(&folded).unwrap()).unwrap();
            assert_eq!(carried, folded, "a fold survives JSON whole");
            fold(&mut scene.state, folded);
            if full.is_some() {
                folds_after_full.push(carried);
            }
        }
        if minute == 15 {
            let stamp = Stamp {
                format: warroom_core::follow::FORMAT,
                seq: 0,
                published: chrono::Utc::now(),
                clock: scene.state.now,
                publisher: publisher(),
            };
            let snapshot = Full { stamp, data: scene.state.data.clone(), feeds: scene.state.feeds.clone() };
            let bytes = serde_json::to_vec(&snapshot).unwrap();
            full = Some(warroom_core::follow::read_full(&bytes).expect("the full snapshot reads back"));
        }
    }
    let mut follower = follower_state();
    follower.update(Msg::Full(Box::new(full.expect("taken at minute 15"))));
    for folded in folds_after_full {
        fold(&mut follower, folded);
    }
    assert_same(&data_json(&follower), &data_json(&scene.state), "the follower's data and the publisher's");
    assert_eq!(follower.feeds, scene.state.feeds);
    assert_eq!(follower.session.kind, SessionKind::Demo, "the follower shows the publisher's kind of session");
    assert!(follower.session.read_only);
    // Incident sense is recomputed from the same data: the same onsets and the same likely trigger.
    assert_eq!(format!("{:?}", follower.analysis.onsets), format!("{:?}", scene.state.analysis.onsets));
    assert!(!scene.state.analysis.onsets.is_empty(), "minute 40 of the demo has onsets to compare");
}

/// A follower's loop, reduced to what it folds: each event as the app turns it into a message.
struct Follower {
    state: Mutex<State>,
    following: Mutex<Option<String>>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_followers_show_the_publishers_view_and_call_only_the_bucket() {
    let emulator = Emulator::start("follow");
    let config = emulator.sdk_config().await;
    let publisher_clients = warroom::aws::Clients::new(&config);
    publisher_clients.s3.create_bucket().bucket(BUCKET).send().await.expect("CreateBucket on ministack");
    let link = |clients: &warroom::aws::Clients| StreamLink {
        s3: clients.s3.clone(),
        bucket: BUCKET.into(),
        prefix: DEFAULT_PREFIX.into(),
    };

    // The publisher, as the operating dashboard runs it.
    let (folds, received) = tokio::sync::mpsc::unbounded_channel();
    let mut scene = Scene::at_minute(0.0, false);
    let clock_now = Arc::new(Mutex::new(scene.state.now));
    let clock = {
        let now = clock_now.clone();
        Arc::new(move || *now.lock().unwrap()) as warroom::follow::publish::Clock
    };
    let publishing = tokio::spawn(publish(link(&publisher_clients), publisher(), clock, received, |_| {}));

    // Ten followers through one counting proxy: everything they send is counted there.
    let proxy = CountingProxy::start(&emulator.url);
    let via_proxy = config.clone().into_builder().endpoint_url(&proxy.url).build();
    let followers: Vec<Arc<Follower>> = (0..10)
        .map(|_| Arc::new(Follower { state: Mutex::new(follower_state()), following: Mutex::new(None) }))
        .collect();
    let start_followers = |followers: &[Arc<Follower>]| {
        for follower in followers {
            let clients = warroom::aws::Clients::new(&via_proxy);
            let me = follower.clone();
            tokio::spawn(follow(link(&clients), Some("alice@bastion-1".into()), Anchor::default(), move |event| {
                match event.into_msg("bob-session") {
                    Msg::Following(f) => *me.following.lock().unwrap() = Some(f.text()),
                    msg => {
                        me.state.lock().unwrap().update(msg);
                    }
                }
                true
            }));
        }
    };
    // Half follow from the start, half join after the first minutes (from the full snapshot).
    start_followers(&followers[..5]);

    let mut versions: Vec<(String, Instant)> = Vec::new();
    let mut lags: Vec<Duration> = Vec::new();
    for minute in 1..=12 {
        for folded in round(&mut scene, f64::from(minute)) {
            fold(&mut scene.state, folded.clone());
            folds.send(Publish::Folded(folded)).unwrap();
        }
        *clock_now.lock().unwrap() = scene.state.now;
        versions.push((data_json(&scene.state), Instant::now()));
        if minute == 1 || minute == 6 {
            let full =
                Snapshot { data: scene.state.data.clone(), feeds: scene.state.feeds.clone(), clock: scene.state.now };
            folds.send(Publish::Full(Box::new(full))).unwrap();
        }
        if minute == 4 {
            start_followers(&followers[5..]);
        }
        // Each follower's view of this round: when it matched the publisher's.
        let (target, published_at) = versions.last().cloned().unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let started = if minute >= 4 { followers.len() } else { 5 };
        let mut waiting: Vec<usize> = (0..started).collect();
        while !waiting.is_empty() {
            assert!(Instant::now() < deadline, "followers {waiting:?} did not reach minute {minute} within 20 s");
            waiting.retain(|&i| {
                let reached = data_json(&followers[i].state.lock().unwrap()) == target;
                if reached && (i < 5 || minute > 4) {
                    lags.push(published_at.elapsed());
                }
                !reached
            });
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    // The header's words, from the last read.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for follower in &followers {
        let text = follower.following.lock().unwrap().clone().expect("a read was reported");
        assert!(text.starts_with("following alice@bastion-1 · "), "{text}");
    }

    // Every request the followers made read the stream's bucket: no SQS, CloudWatch, RDS, Lambda or CloudTrail.
    let total = proxy.requests_matching(" HTTP/1.1");
    let bucket_reads = proxy.requests_matching(&format!("GET /{BUCKET}"));
    assert!(total > 0, "the followers read through the proxy");
    assert_eq!(bucket_reads, total, "every follower request is a GET of the bucket");
    for action in ["AmazonSQS.", "GraniteServiceVersion20100801.", "com.amazonaws.cloudtrail"] {
        assert_eq!(proxy.requests_matching(action), 0, "{action}");
    }

    lags.sort();
    let pick = |q: f64| lags[((lags.len() - 1) as f64 * q).round() as usize];
    println!(
        "follow lag, publisher's fold to follower's (ten followers, ministack S3, {} samples): median {:.2} s, p95 {:.2} s; {} follower requests, all bucket GETs",
        lags.len(),
        pick(0.5).as_secs_f64(),
        pick(0.95).as_secs_f64(),
        total
    );
    drop(folds);
    publishing.await.expect("the publisher ends when its channel closes");
}

/// A big account's full snapshot reads back whole; its size, printed, is why the stream is on S3 (an object of
/// any size) rather than in CloudWatch Logs (1 MB an event at most). `FOLLOW_FLEET_QUEUES` sets the account's
/// size (default 100 queues; the README's figure is 1,000, a minute to build in a debug build), with a fifth as
/// many DLQs and alarms, a tenth as many functions and a fiftieth as many clusters.
#[test]
fn a_big_accounts_full_snapshot_reads_back_whole() {
    let queues: usize = std::env::var("FOLLOW_FLEET_QUEUES").ok().and_then(|n| n.parse().ok()).unwrap_or(100);
    let fleet = warroom_core::scene::Fleet {
        queues,
        dlqs: queues / 5,
        functions: queues / 10,
        clusters: (queues / 50).max(1),
        alarms: queues / 5,
        minutes: 60,
    };
    let state = fleet.state();
    let stamp = Stamp {
        format: warroom_core::follow::FORMAT,
        seq: 7,
        published: chrono::Utc::now(),
        clock: state.now,
        publisher: publisher(),
    };
    let full = Full { stamp, data: state.data.clone(), feeds: state.feeds.clone() };
    let bytes = serde_json::to_vec(&full).unwrap();
    let back = warroom_core::follow::read_full(&bytes).expect("reads back");
    assert_same(&serde_json::to_string(&back.data).unwrap(), &data_json(&state), "read back and written");
    assert_eq!(back.stamp.seq, 7);
    let stored = warroom::follow::pack(&full).unwrap();
    let unpacked = warroom::follow::unpack(&stored).unwrap();
    assert_same(
        &String::from_utf8(unpacked).unwrap(),
        &String::from_utf8(bytes.clone()).unwrap(),
        "unpacked and written",
    );
    println!(
        "full snapshot, {queues} queues, {} DLQs, {} functions, {} clusters, {} alarms, 60 min of history: {} KiB of JSON, {} KiB stored (gzip)",
        fleet.dlqs,
        fleet.functions,
        fleet.clusters,
        fleet.alarms,
        bytes.len() / 1024,
        stored.len() / 1024
    );
}
