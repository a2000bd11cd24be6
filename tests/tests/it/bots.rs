//! Bots from the load generator playing against a real server over real sockets.

use std::{sync::Arc, time::Duration};

use snake::{Snake, SnakeRules};
use tests::{TestServer, within};
use tickwire_client::loadgen::{self, Live, Plan};

#[tokio::test]
async fn bots_play_a_match_without_losing_a_connection() {
    let config = tickwire_server::Config {
        tick_rate: Some(30),
        seed: Some(3),
        // Free play: a 2 s run must not be spent in a frozen countdown.
        min_players: 99,
        ..tickwire_server::Config::default().in_memory()
    };
    let server = TestServer::start(
        Snake {
            rules: SnakeRules::default(),
        },
        config,
    )
    .await;
    let plan = Plan {
        url: server.ws_url(),
        clients: 6,
        duration: Duration::from_secs(2),
        ramp: Duration::from_millis(100),
        ..Plan::default()
    };
    let report = within(loadgen::run::<Snake>(plan, Arc::new(Live::default())))
        .await
        .unwrap();
    assert_eq!(
        (report.connected, report.disconnects, report.errors),
        (6, 0, 0),
        "{report:?}"
    );
    assert!(report.snapshots > 6 * 10, "{report:?}");
    assert!(
        report.inputs > 0 && report.input_latency_ms.count > 0,
        "bots steer: {report:?}"
    );
    assert!(report.bytes_down_per_client_s > 0.0 && report.bytes_up_per_client_s > 0.0);
}

#[tokio::test]
async fn one_run_reports_full_and_delta_bots_apart_with_the_servers_usage() {
    let config = tickwire_server::Config {
        tick_rate: Some(30),
        room_capacity: Some(4),
        seed: Some(5),
        min_players: 99,
        ..tickwire_server::Config::default().in_memory()
    };
    let server = TestServer::start(
        Snake {
            rules: SnakeRules::default(),
        },
        config,
    )
    .await;
    let link = "latency=5ms,jitter=2ms".parse().unwrap();
    let plan = Plan {
        url: server.ws_url(),
        clients: 8,
        rooms: Some((2, 4)),
        full: 4,
        duration: Duration::from_secs(2),
        ramp: Duration::from_millis(100),
        link: Some((link, link)),
        // The test server runs in this process.
        server_pid: Some(std::process::id()),
        ..Plan::default()
    };
    let report = within(loadgen::run::<Snake>(plan, Arc::new(Live::default())))
        .await
        .unwrap();
    assert_eq!(
        (report.connected, report.disconnects, report.errors),
        (8, 0, 0),
        "{report:?}"
    );
    assert_eq!(report.rooms_seen, 2);
    assert_eq!(report.tick_rate, Some(30), "announced in the welcome");
    let (delta, full) = (&report.groups.delta, &report.groups.full);
    assert_eq!((delta.clients, full.clients), (4, 4));
    assert!(
        full.bytes_down_per_client_s > 2.0 * delta.bytes_down_per_client_s,
        "{report:?}"
    );
    let histogram = &report.input_latency_histogram;
    assert_eq!(
        histogram.counts.iter().sum::<u64>() + histogram.overflow,
        report.input_latency_ms.count as u64
    );
    assert!(report.link.is_some());
    let usage = report.server.expect("this process can be sampled");
    assert!(usage.rss_mb_peak > 0.0 && usage.hwm_mb >= usage.rss_mb_end);
    let ticks = report.server_ticks.expect("the server serves /metrics");
    assert!(ticks.room_ticks > 0 && ticks.keyframes > 0 && ticks.deltas > 0);
}
