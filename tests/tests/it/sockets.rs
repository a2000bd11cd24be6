//! The server over real sockets: what only a socket can show (the upgrade, frames, close
//! frames on the wire, WebSocket pings and timeouts, shutdown, HTTP). The protocol itself is
//! tested in process, in `stepped`.

use std::time::Duration;

use bytes::Bytes;
use futures_util::SinkExt;
use snake::{Snake, SnakeInput, SnakeRules, SnakeState};
use tests::{Client, TestServer, close_of, raw_socket, within};
use tickwire::{
    ClientMsg, CloseReason, GameVersion, Hello, PROTOCOL_VERSION, Rejection, TickState, codec,
};
use tokio_tungstenite::tungstenite::Message;

type SnakeClient = Client<Snake>;

fn snake() -> Snake {
    Snake {
        rules: SnakeRules::default(),
    }
}

/// Timings short enough for tests, long enough that a loaded machine does not trip them.
fn fast_config() -> tickwire_server::Config {
    tickwire_server::Config {
        tick_rate: Some(30),
        seed: Some(1),
        ping_interval: Duration::from_millis(100),
        idle_timeout: Duration::from_millis(600),
        handshake_timeout: Duration::from_millis(600),
        close_timeout: Duration::from_millis(500),
        reconnect_grace: Duration::from_millis(300),
        drain_timeout: Duration::from_millis(500),
        ..tickwire_server::Config::default().in_memory()
    }
}

async fn start() -> TestServer {
    TestServer::start(snake(), fast_config()).await
}

async fn join(server: &TestServer, name: &str) -> SnakeClient {
    within(SnakeClient::connect(&server.ws_url(), name))
        .await
        .expect("join")
}

/// Reads snapshots until one satisfies `done`.
async fn snapshot_where(
    client: &mut SnakeClient,
    mut done: impl FnMut(&TickState<SnakeState>) -> bool,
) -> TickState<SnakeState> {
    within(async {
        loop {
            let snapshot = client.next_snapshot().await.expect("snapshot");
            if done(&snapshot) {
                return snapshot;
            }
        }
    })
    .await
}

fn encode(msg: &ClientMsg<SnakeInput>) -> Message {
    Message::Binary(codec::encode(msg).expect("encode").into())
}

fn hello(protocol: u16, game_version: u16) -> ClientMsg<SnakeInput> {
    ClientMsg::Hello(Hello {
        protocol,
        game: GameVersion {
            name: "snake".into(),
            version: game_version,
        },
        name: "tester".into(),
        resume: None,
        join: tickwire::Join::Quick,
    })
}

#[tokio::test]
async fn a_client_joins_and_receives_snapshots_with_increasing_ticks() {
    let server = start().await;
    let mut client = join(&server, "ann").await;
    assert_eq!(client.welcome().tick_rate, 30);
    let first = client.next_snapshot().await.unwrap();
    let second = client.next_snapshot().await.unwrap();
    assert!(second.tick > first.tick);
    assert_eq!(first.ack, 0);
    let me = client.welcome().player().unwrap();
    let view = first.state.snake(me).expect("own snake in the snapshot");
    assert_eq!(view.name, "ann");
}

#[tokio::test]
async fn a_disconnect_removes_the_snake() {
    let server = start().await;
    let mut stays = join(&server, "stays").await;
    let leaves = join(&server, "leaves").await;
    let gone = leaves.welcome().player().unwrap();
    snapshot_where(&mut stays, |s| s.state.snake(gone).is_some()).await;
    drop(leaves);
    snapshot_where(&mut stays, |s| s.state.snake(gone).is_none()).await;
}

#[tokio::test]
async fn a_ping_is_answered_with_a_pong_echoing_its_time() {
    let server = start().await;
    let mut client = join(&server, "ann").await;
    let first = within(client.ping()).await.unwrap();
    let second = within(client.ping()).await.unwrap();
    assert!(second >= first, "the server clock never runs backwards");
}

#[tokio::test]
async fn leaving_gets_a_normal_close() {
    let server = start().await;
    let client = join(&server, "ann").await;
    within(client.leave())
        .await
        .expect("server closes after leave");
}

#[tokio::test]
async fn a_wrong_protocol_version_is_rejected_with_4000() {
    let server = start().await;
    let mut ws = raw_socket(&server.ws_url()).await;
    ws.send(encode(&hello(PROTOCOL_VERSION + 1, 1)))
        .await
        .unwrap();
    let rejection = match within(futures_util::StreamExt::next(&mut ws)).await {
        Some(Ok(Message::Binary(bytes))) => {
            codec::decode_server::<SnakeState, snake::SnakeDelta>(&bytes).unwrap()
        }
        other => panic!("expected a rejection message, got {other:?}"),
    };
    assert!(matches!(
        rejection,
        tickwire::ServerMsg::Reject(Rejection::VersionMismatch {
            protocol: PROTOCOL_VERSION,
            ..
        })
    ));
    assert_eq!(close_of(&mut ws).await.0, 4000);
}

#[tokio::test]
async fn no_hello_in_time_gets_4003() {
    let server = start().await;
    let mut ws = raw_socket(&server.ws_url()).await;
    assert_eq!(close_of(&mut ws).await.0, CloseReason::HelloTimeout.code());
}

#[tokio::test]
async fn a_text_frame_gets_1003() {
    let server = start().await;
    let mut client = join(&server, "ann").await;
    client
        .socket()
        .expect("connected")
        .send(Message::text("{\"dir\":\"up\"}"))
        .await
        .unwrap();
    assert_eq!(close_of(client.socket().expect("connected")).await.0, 1003);
}

#[tokio::test]
async fn an_oversized_message_gets_1009() {
    let server = start().await;
    let mut client = join(&server, "ann").await;
    client
        .socket()
        .expect("connected")
        .send(Message::Binary(Bytes::from(vec![0u8; 2048])))
        .await
        .unwrap();
    assert_eq!(close_of(client.socket().expect("connected")).await.0, 1009);
}

#[tokio::test]
async fn a_one_mebibyte_frame_gets_1009_before_hello() {
    let server = start().await;
    let mut ws = raw_socket(&server.ws_url()).await;
    ws.send(Message::Binary(Bytes::from(vec![7u8; 1 << 20])))
        .await
        .unwrap();
    assert_eq!(close_of(&mut ws).await.0, 1009);
}

#[tokio::test]
async fn a_silent_peer_is_dropped_after_the_idle_timeout() {
    let server = start().await;
    let mut client = join(&server, "mute").await;
    // Not reading means not answering pings. Wait (bounded) until the server has given up on
    // this peer. Its close frame cannot be read back here: the client's first read tries to
    // send the pongs it owes and fails on the closed socket, as a dead peer's would.
    within(async {
        while server.metric("game_connections").await > 0.0 {
            tokio::task::yield_now().await;
        }
    })
    .await;
    let idle_closes = "game_closes_total{code=\"4004\",reason=\"IdleTimeout\"}";
    assert_eq!(server.metric(idle_closes).await, 1.0);
    // What was sent before the close can still be read; then the connection is over.
    within(async { while client.next_snapshot().await.is_ok() {} }).await;
}

#[tokio::test]
async fn a_peer_that_answers_pings_outlives_the_idle_timeout() {
    let server = start().await;
    let mut client = join(&server, "alive").await;
    // Reading answers pings automatically. Read for several idle timeouts' worth of ticks.
    let first = client.next_snapshot().await.unwrap().tick;
    let ticks_in_three_idle_timeouts = 3 * 30 * 600 / 1000;
    snapshot_where(&mut client, |s| {
        s.tick >= first + ticks_in_three_idle_timeouts
    })
    .await;
}

#[tokio::test]
async fn shutdown_sends_1001_and_run_returns() {
    let mut server = start().await;
    let mut a = join(&server, "a").await;
    let mut b = join(&server, "b").await;
    server.begin_shutdown();
    assert_eq!(close_of(a.socket().expect("connected")).await.0, 1001);
    assert_eq!(close_of(b.socket().expect("connected")).await.0, 1001);
    server.stop().await.expect("clean exit");
}

#[tokio::test]
async fn http_endpoints_answer() {
    let server = start().await;
    let _client = join(&server, "ann").await;
    assert_eq!(server.get("/healthz").await, (200, "ok\n".into()));
    let (status, metrics) = server.get("/metrics").await;
    assert_eq!(status, 200);
    for name in [
        "game_connections 1",
        "game_rooms 1",
        "game_players 1",
        "game_ticks_total",
        "game_tick_seconds_bucket",
    ] {
        assert!(metrics.contains(name), "{name} missing from\n{metrics}");
    }
    let (status, _) = server.get("/ws").await;
    assert_eq!(status, 426, "a plain GET on /ws asks for an upgrade");
    let (status, page) = server.get("/").await;
    assert_eq!(
        status, 404,
        "a server without a client directory serves none"
    );
    assert!(page.contains("client not built"), "{page}");
}

#[tokio::test]
async fn garbage_instead_of_http_does_not_hurt_the_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = start().await;
    let mut tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    tcp.write_all(&[0x16, 0x03, 0x01, 0x00, 0xff, 0x01, 0x00, 0x00])
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = within(tcp.read_to_end(&mut buf)).await;
    let mut client = join(&server, "after").await;
    client
        .next_snapshot()
        .await
        .expect("the server still serves players");
}
