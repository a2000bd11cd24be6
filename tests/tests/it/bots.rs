//! Bots from the load generator playing against a real server over real sockets.

use std::{sync::Arc, time::Duration};

use arcade::loadgen::{self, Live, Plan};
use snake::{Snake, SnakeRules};
use tests::{TestServer, within};

#[tokio::test]
async fn bots_play_a_match_without_losing_a_connection() {
    let config = server::Config {
        tick_rate: Some(30),
        seed: Some(3),
        ..server::Config::default()
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
    };
    let report = within(loadgen::run(plan, Arc::new(Live::default()))).await;
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
