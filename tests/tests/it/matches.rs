//! Hosted matches over real sockets: what needs the real server around the simulation
//! (results in SQLite surviving a restart, draining on shutdown, a stale connection closed
//! from the session task). Rooms, codes, spectators, rounds and resuming are tested in
//! process, in `stepped`.

use std::{path::PathBuf, time::Duration};

use snake::{Snake, SnakeState};
use tests::{Client, ClientError, TestServer, client::Options, close_of, within};
use tickwire::{
    Join, MatchPhase, Rejection, TickState,
    api::{self, LeaderboardRow, RoomInfo, RoomPhase, RoundRow},
};

type SnakeClient = Client<Snake>;

fn config() -> tickwire_server::Config {
    tickwire_server::Config {
        tick_rate: Some(30),
        seed: Some(5),
        countdown: Duration::from_millis(100),
        round_length: Duration::from_millis(800),
        results_time: Duration::from_millis(200),
        reconnect_grace: Duration::from_secs(2),
        close_timeout: Duration::from_millis(500),
        ..tickwire_server::Config::default().in_memory()
    }
}

async fn start(config: tickwire_server::Config) -> TestServer {
    TestServer::start(Snake::default(), config).await
}

async fn connect(server: &TestServer, name: &str, join: Join) -> Result<SnakeClient, ClientError> {
    let options = Options {
        join,
        ..Options::default()
    };
    within(SnakeClient::connect_with(&server.ws_url(), name, options)).await
}

async fn until(
    client: &mut SnakeClient,
    mut done: impl FnMut(&TickState<SnakeState>) -> bool,
) -> TickState<SnakeState> {
    within(async {
        loop {
            let state = client.next_snapshot().await.expect("snapshot");
            if done(&state) {
                return state;
            }
        }
    })
    .await
}

/// A results database in a fresh temporary folder, removed on drop.
struct TempDb(PathBuf);

impl TempDb {
    fn new(name: &str) -> TempDb {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir =
            std::env::temp_dir().join(format!("netcode-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDb(dir)
    }

    fn path(&self) -> String {
        self.0.join("results.db").to_string_lossy().into_owned()
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn a_newer_connection_with_the_same_token_closes_the_stale_one_with_4007() {
    let server = start(config()).await;
    let mut old = connect(&server, "ann", Join::Quick).await.unwrap();
    let options = Options {
        resume: old.welcome().resume,
        ..Options::default()
    };
    let new = within(SnakeClient::connect_with(&server.ws_url(), "ann", options))
        .await
        .unwrap();
    assert_eq!(new.welcome().player(), old.welcome().player());
    assert_eq!(close_of(old.socket().expect("connected")).await.0, 4007);
}

/// Plays one round with two bots and returns when both have seen it end.
async fn play_a_round(server: &TestServer) -> (SnakeClient, SnakeClient) {
    let mut a = connect(server, "ann", Join::Room("ROUND".into()))
        .await
        .unwrap();
    let mut b = connect(server, "bo", Join::Room("ROUND".into()))
        .await
        .unwrap();
    for client in [&mut a, &mut b] {
        until(client, |s| matches!(s.phase, MatchPhase::Ended { .. })).await;
    }
    (a, b)
}

#[tokio::test]
async fn results_survive_a_server_restart() {
    let db = TempDb::new("restart");
    let config = tickwire_server::Config {
        db: Some(db.path()),
        ..config()
    };
    let server = start(config.clone()).await;
    let (a, b) = play_a_round(&server).await;
    drop((a, b));
    server.stop().await.unwrap();

    let server = start(config).await;
    let (status, board) = server.get("/api/leaderboard").await;
    assert_eq!(status, 200);
    for name in ["\"ann\"", "\"bo\""] {
        assert!(board.contains(name), "{board}");
    }
    assert!(board.contains("\"rounds\":1"), "{board}");
    let (_, rounds) = server.get("/api/rounds").await;
    assert!(rounds.contains("\"room\":\"ROUND\""), "{rounds}");
}

#[tokio::test]
async fn drain_finishes_the_running_round_records_it_then_closes_with_1001() {
    let db = TempDb::new("drain");
    let config = tickwire_server::Config {
        db: Some(db.path()),
        round_length: Duration::from_secs(2),
        ..config()
    };
    let mut server = start(config.clone()).await;
    let mut a = connect(&server, "ann", Join::Room("DRAIN".into()))
        .await
        .unwrap();
    let mut b = connect(&server, "bo", Join::Room("DRAIN".into()))
        .await
        .unwrap();
    until(&mut a, |s| matches!(s.phase, MatchPhase::Running { .. })).await;

    server.begin_shutdown();
    // No one new gets in, and health checks say so...
    within(async {
        while server.get("/healthz").await.0 != 503 {
            tokio::task::yield_now().await;
        }
    })
    .await;
    let err = connect(&server, "late", Join::Quick).await.unwrap_err();
    assert!(
        matches!(err, ClientError::Rejected(Rejection::Draining)),
        "{err}"
    );
    // ...but the round plays to its end, and only then does everyone get 1001.
    until(&mut a, |s| matches!(s.phase, MatchPhase::Ended { .. })).await;
    let (code, _) = close_of(b.socket().expect("connected")).await;
    assert_eq!(code, 1001);
    server.stop().await.expect("exits cleanly");

    let server = start(config).await;
    let (_, rounds) = server.get("/api/rounds").await;
    assert!(
        rounds.contains("\"room\":\"DRAIN\""),
        "the drained round was recorded: {rounds}"
    );
}

/// `path` read as JSON, as curl users see it.
async fn json<T: serde::de::DeserializeOwned>(server: &TestServer, path: &str) -> T {
    let (status, body) = server.get(path).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"))
}

/// `path` read in the wire codec, as the browser reads it.
async fn binary<T: serde::de::DeserializeOwned>(server: &TestServer, path: &str) -> T {
    let separator = if path.contains('?') { '&' } else { '?' };
    let path = format!("{path}{separator}{}", api::BINARY_QUERY);
    let (status, body) = server.get_bytes(&path).await;
    assert_eq!(status, 200, "{path}");
    api::decode(&body).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[tokio::test]
async fn the_api_lists_the_same_rows_in_json_and_in_the_codec() {
    let server = start(config()).await;
    drop(play_a_round(&server).await);
    let _cy = connect(&server, "cy", Join::Quick).await.unwrap();
    let (rooms, board, rounds) = within(async {
        loop {
            let rooms: Vec<RoomInfo> = json(&server, api::ROOMS_PATH).await;
            let board: Vec<LeaderboardRow> = json(&server, api::LEADERBOARD_PATH).await;
            let rounds: Vec<RoundRow> = json(&server, api::ROUNDS_PATH).await;
            if !rooms.is_empty() && !board.is_empty() && !rounds.is_empty() {
                break (rooms, board, rounds);
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert_eq!(rooms.len(), 1, "private rooms are not listed: {rooms:?}");
    assert_eq!(
        (rooms[0].names.as_slice(), rooms[0].phase),
        (["cy".to_owned()].as_slice(), RoomPhase::Waiting)
    );
    let mut names: Vec<&str> = board.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["ann", "bo"]);
    assert_eq!(rounds[0].room, "ROUND");

    // The room ticks on between two requests; everything else stands still.
    let still = |rooms: Vec<RoomInfo>| {
        rooms
            .into_iter()
            .map(|room| RoomInfo { tick: 0, ..room })
            .collect::<Vec<_>>()
    };
    let binary_rooms: Vec<RoomInfo> = binary(&server, api::ROOMS_PATH).await;
    assert_eq!(still(binary_rooms), still(rooms));
    assert_eq!(
        binary::<Vec<LeaderboardRow>>(&server, api::LEADERBOARD_PATH).await,
        board
    );
    assert_eq!(
        binary::<Vec<RoundRow>>(&server, api::ROUNDS_PATH).await,
        rounds
    );

    let one: Vec<LeaderboardRow> = binary(&server, "/api/leaderboard?limit=0").await;
    assert_eq!(one.len(), 1, "limits are clamped to at least one row");
    let (status, _) = server.get("/api/rooms?format=xml").await;
    assert_eq!(status, 400, "an unknown format is refused");
}
