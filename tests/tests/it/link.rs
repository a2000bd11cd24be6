//! Play over a conditioned link: real sockets through a relay that adds latency, jitter and
//! stalls, as on a poor mobile connection.

use std::time::Duration;

use snake::{Snake, SnakeInput, SnakeRules};
use tests::{Client, TestServer, within};
use tickwire::link::LinkProfile;
use tickwire_client::relay::Relay;
use tokio::time::Instant;

fn config() -> tickwire_server::Config {
    tickwire_server::Config {
        tick_rate: Some(30),
        seed: Some(4),
        ..tickwire_server::Config::default().in_memory()
    }
}

#[tokio::test]
async fn over_a_slow_jittery_link_deltas_still_rebuild_the_servers_state() {
    let server = TestServer::start(
        Snake {
            rules: SnakeRules::default(),
        },
        config(),
    )
    .await;
    let link: LinkProfile = "latency=40ms,jitter=15ms".parse().unwrap();
    let relay = Relay::start(server.addr(), link, link, 1).await.unwrap();
    let mut slow = within(Client::<Snake>::connect(
        &format!("ws://{}/ws", relay.addr()),
        "slow",
    ))
    .await
    .unwrap();
    let mut direct = within(Client::<Snake>::connect(&server.ws_url(), "direct"))
        .await
        .unwrap();

    within(async {
        let mut compared = 0;
        let mut d = direct.next_snapshot().await.unwrap();
        while compared < 20 {
            let s = slow.next_snapshot().await.unwrap();
            while d.tick < s.tick {
                d = direct.next_snapshot().await.unwrap();
            }
            if d.tick == s.tick {
                assert_eq!(s.state, d.state, "tick {}", s.tick);
                compared += 1;
            }
        }
    })
    .await;

    // An input's acknowledgement now needs a round trip over the link: at least 2 × 25 ms.
    let me = slow.welcome().player().unwrap();
    let dir = slow
        .next_snapshot()
        .await
        .unwrap()
        .state
        .snake(me)
        .map_or(snake::Dir::Up, |s| s.dir);
    let turn = if matches!(dir, snake::Dir::Up | snake::Dir::Down) {
        snake::Dir::Left
    } else {
        snake::Dir::Up
    };
    let sent = Instant::now();
    let seq = slow.send_input(SnakeInput { dir: turn }).await.unwrap();
    within(async { while slow.next_snapshot().await.unwrap().ack < seq {} }).await;
    assert!(
        sent.elapsed() >= Duration::from_millis(50),
        "{:?}",
        sent.elapsed()
    );
    assert!(server.metric("game_deltas_total").await > 0.0);
}

#[tokio::test]
async fn a_stalling_link_delays_snapshots_but_keeps_the_connection() {
    let server = TestServer::start(
        Snake {
            rules: SnakeRules::default(),
        },
        config(),
    )
    .await;
    let down: LinkProfile = "stall=400ms/500ms".parse().unwrap();
    let relay = Relay::start(server.addr(), LinkProfile::default(), down, 2)
        .await
        .unwrap();
    let mut client = within(Client::<Snake>::connect(
        &format!("ws://{}/ws", relay.addr()),
        "stalled",
    ))
    .await
    .unwrap();
    let first = client.next_snapshot().await.unwrap().tick;
    let mut last = first;
    within(async {
        // 90 ticks at 30 Hz is 3 s: several stalls.
        while last < first + 90 {
            let snapshot = client
                .next_snapshot()
                .await
                .expect("stays connected through stalls");
            assert!(snapshot.tick > last, "ticks only move forward");
            last = snapshot.tick;
        }
    })
    .await;
    assert_eq!(server.metric("game_connections").await, 1.0);
}
