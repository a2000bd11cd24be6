//! Abuse: while bots play, hundreds of hostile connections hit the same server, and none of
//! them may disconnect a bot, stall the tick, grow memory without bound, or go unanswered.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use snake::{Dir, Snake, SnakeInput};
use tests::{Socket, TestServer, within};
use tickwire::{ClientMsg, CloseReason, Hello, Join, codec};
use tickwire_client::loadgen::{self, Live, Plan};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
    time::Instant,
};
use tokio_tungstenite::{WebSocketStream, tungstenite::Message};

/// How many hostile connections of each kind.
const EACH: usize = 25;

fn config() -> tickwire_server::Config {
    tickwire_server::Config {
        tick_rate: Some(30),
        seed: Some(9),
        min_players: 99, // free play: the bots' world never freezes
        max_connections_per_ip: 10_000,
        handshake_timeout: Duration::from_secs(1),
        // Long enough that a peer which stops reading is caught by the stalled writes
        // (4005) before it is caught by its silence (4004).
        ping_interval: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(15),
        send_timeout: Duration::from_secs(1),
        close_timeout: Duration::from_millis(500),
        socket_send_buffer: 8 * 1024,
        ..tickwire_server::Config::default().in_memory()
    }
}

/// Resident memory of this process (server, bots and attackers together), in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn encode(msg: &ClientMsg<SnakeInput>) -> Message {
    Message::Binary(codec::encode(msg).expect("encodes").into())
}

fn hello(name: &str) -> Message {
    encode(&ClientMsg::Hello(Hello::new::<Snake>(
        name,
        Join::Quick,
        None,
    )))
}

/// A WebSocket whose kernel receive buffer is tiny, so that not reading stalls the server's
/// writes quickly.
async fn narrow_socket(server: &TestServer) -> Socket {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .set_recv_buffer_size(4 * 1024)
        .expect("a small receive buffer");
    let stream = socket.connect(server.addr()).await.expect("connects");
    let stream = tokio_tungstenite::MaybeTlsStream::Plain(stream);
    let (ws, _) = tokio_tungstenite::client_async(server.ws_url(), stream)
        .await
        .expect("handshake");
    ws
}

/// The close code the server ends `ws` with, or `None` if it ends without one.
async fn closed_with(
    ws: &mut WebSocketStream<impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>,
) -> Option<u16> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attack {
    Garbage,
    Oversized,
    Text,
    InputBeforeHello,
    Flood,
    NoHello,
    Slowloris,
    NeverReads,
}

impl Attack {
    const ALL: [Attack; 8] = [
        Attack::Garbage,
        Attack::Oversized,
        Attack::Text,
        Attack::InputBeforeHello,
        Attack::Flood,
        Attack::NoHello,
        Attack::Slowloris,
        Attack::NeverReads,
    ];

    /// The close code the server must answer with; `None` where it answers by closing the
    /// TCP connection (no WebSocket yet, or a peer that is not reading).
    fn expected(self) -> Option<u16> {
        match self {
            Attack::Garbage => Some(1002),
            Attack::Oversized => Some(1009),
            Attack::Text => Some(1003),
            Attack::InputBeforeHello | Attack::Flood => Some(1008),
            Attack::NoHello => Some(CloseReason::HelloTimeout.code()),
            Attack::Slowloris | Attack::NeverReads => None,
        }
    }

    /// Runs one attack; returns the close code seen, and whether the connection ended.
    async fn run(self, server: &TestServer, i: usize) -> (Option<u16>, bool) {
        match self {
            Attack::Slowloris => {
                let mut tcp = TcpStream::connect(server.addr()).await.expect("connects");
                // A request head that never finishes, one byte at a time.
                let _ = tcp
                    .write_all(b"GET /ws HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                    .await;
                let mut buf = [0u8; 512];
                let mut drip = tokio::time::interval(Duration::from_millis(200));
                let ended = loop {
                    tokio::select! {
                        read = tcp.read(&mut buf) => match read {
                            Ok(0) | Err(_) => break true,
                            Ok(_) => {}
                        },
                        _ = drip.tick() => {
                            if tcp.write_all(b"a").await.is_err() {
                                break true;
                            }
                        }
                    }
                };
                (None, ended)
            }
            Attack::NeverReads => {
                let mut ws = narrow_socket(server).await;
                ws.send(hello(&format!("lazy{i}"))).await.expect("hello");
                // Never read: the server's writes stall and it gives up on us. Keep
                // writing pings (which read nothing) until the connection is gone.
                let mut poke = tokio::time::interval(Duration::from_millis(200));
                loop {
                    poke.tick().await;
                    if ws.send(Message::Ping(Bytes::new())).await.is_err() {
                        break (None, true);
                    }
                }
            }
            _ => {
                let mut ws = tests::raw_socket(&server.ws_url()).await;
                match self {
                    Attack::Garbage => {
                        ws.send(hello(&format!("vandal{i}"))).await.expect("hello");
                        ws.send(Message::Binary(Bytes::from_static(&[
                            0xde, 0xad, 0xbe, 0xef, 0xff,
                        ])))
                        .await
                        .expect("sends");
                    }
                    Attack::Oversized => {
                        let _ = ws
                            .send(Message::Binary(Bytes::from(vec![0u8; 64 * 1024])))
                            .await;
                    }
                    Attack::Text => {
                        let _ = ws.send(Message::text("hello?")).await;
                    }
                    Attack::InputBeforeHello => {
                        let _ = ws
                            .send(encode(&ClientMsg::Input {
                                seq: 1,
                                input: SnakeInput { dir: Dir::Up },
                            }))
                            .await;
                    }
                    Attack::Flood => {
                        let _ = ws.send(hello(&format!("flood{i}"))).await;
                        for seq in 1..=2_000 {
                            if ws
                                .feed(encode(&ClientMsg::Input {
                                    seq,
                                    input: SnakeInput { dir: Dir::Up },
                                }))
                                .await
                                .is_err()
                            {
                                break;
                            }
                        }
                        let _ = ws.flush().await;
                    }
                    Attack::NoHello | Attack::Slowloris | Attack::NeverReads => {}
                }
                (closed_with(&mut ws).await, true)
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_connections_do_not_disturb_playing_bots() {
    let server = Arc::new(TestServer::start(Snake::default(), config()).await);
    let rss_before = rss_mib();

    // Twenty bots play for the whole attack.
    let plan = Plan {
        url: server.ws_url(),
        clients: 20,
        duration: Duration::from_secs(6),
        ramp: Duration::from_millis(200),
        ..Plan::default()
    };
    let bots = tokio::spawn(loadgen::run::<Snake>(plan, Arc::new(Live::default())));

    // Two hundred attackers, all at once.
    let attacks: Vec<_> = Attack::ALL
        .iter()
        .flat_map(|attack| (0..EACH).map(move |i| (*attack, i)))
        .map(|(attack, i)| {
            let server = server.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let outcome =
                    tokio::time::timeout(Duration::from_secs(20), attack.run(&server, i)).await;
                (attack, outcome, started.elapsed())
            })
        })
        .collect();
    let mut wrong = Vec::new();
    for attack in attacks {
        let (kind, outcome, took) = attack.await.expect("attacker task");
        match outcome {
            Ok((code, true)) if code == kind.expected() => {}
            Ok(other) => wrong.push(format!(
                "{kind:?}: got {other:?} after {took:?}, expected {:?}",
                kind.expected()
            )),
            Err(_) => wrong.push(format!("{kind:?}: not closed within 20 s")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} attacks not answered as expected:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // The server gave up on every peer that stopped reading, with 4005.
    let too_slow = format!(
        "game_closes_total{{code=\"4005\",reason=\"{:?}\"}}",
        CloseReason::TooSlow
    );
    let caught = tokio::time::timeout(tests::DEADLINE, async {
        let mut poll = tokio::time::interval(Duration::from_millis(50));
        while server.metric(&too_slow).await < EACH as f64 {
            poll.tick().await;
        }
    })
    .await;
    if caught.is_err() {
        let (_, metrics) = server.get("/metrics").await;
        panic!("not every stalled reader was closed as too slow:\n{metrics}");
    }

    let report = within(async { bots.await.expect("bots task").expect("loadgen runs") }).await;
    assert_eq!(
        (report.connected, report.disconnects, report.errors),
        (20, 0, 0),
        "{report:?}"
    );
    assert!(
        report.tick_gaps * 100 <= report.snapshots,
        "bots missed at most 1% of ticks: {} gaps in {} snapshots",
        report.tick_gaps,
        report.snapshots
    );
    // Skipped slots of the tick period (each a tick missed by the rooms on that phase),
    // against room ticks run. A tick held up by the attack would skip most of them; a
    // machine busy with the rest of the suite skips a few percent, so allow 10%.
    let skipped = server.metric("game_ticks_skipped_total").await;
    let ticks = server.metric("game_ticks_total").await;
    assert!(
        skipped * 10.0 <= ticks,
        "the tick kept its pace: {skipped} skipped, {ticks} run"
    );
    let grown = rss_mib() - rss_before;
    // The figures, for `cargo test -- --nocapture abuse`.
    eprintln!(
        "abuse: bots {} snapshots, {} tick gaps, p99 input latency {:.1} ms; \
         room ticks {ticks}, skipped {skipped}; memory grew {grown:.1} MiB",
        report.snapshots, report.tick_gaps, report.input_latency_ms.p99
    );
    assert!(grown < 200.0, "memory grew by {grown:.0} MiB under attack");
}

#[tokio::test]
async fn a_client_that_stops_reading_is_closed_as_too_slow() {
    let server = TestServer::start(Snake::default(), config()).await;
    // Company in the room, so each snapshot carries a few snakes' worth of bytes.
    let plan = Plan {
        url: server.ws_url(),
        clients: 4,
        duration: Duration::from_secs(8),
        ..Plan::default()
    };
    let bots = tokio::spawn(loadgen::run::<Snake>(plan, Arc::new(Live::default())));
    let mut ws = narrow_socket(&server).await;
    ws.send(hello("lazy")).await.expect("hello");
    let too_slow = format!(
        "game_closes_total{{code=\"4005\",reason=\"{:?}\"}}",
        CloseReason::TooSlow
    );
    within(async {
        let mut poll = tokio::time::interval(Duration::from_millis(20));
        while server.metric(&too_slow).await < 1.0 {
            poll.tick().await;
        }
    })
    .await;
    let report = within(async { bots.await.expect("bots task").expect("loadgen runs") }).await;
    assert_eq!(
        (report.connected, report.disconnects),
        (4, 0),
        "the others play on: {report:?}"
    );
}
