//! End to end in real browsers: the clients Trunk built into www/dist (snake) and
//! www/dist-pong (pong), loaded from the real server by headless Chromium sessions driven
//! through chromedriver. One test plays a quick match of snake between two browsers; another
//! shares a private room by link, watches it by code, resumes a seat across a reload, and
//! reads the lobby and the leaderboard; a third plays pong (`pong.rs`).
//!
//! Needs Chromium, chromedriver and the built client, so it runs only with the `browser`
//! feature: `trunk build && cargo test -p tests --features browser --test browser` (scripts/test
//! does both). `E2E_WWW=<dir>` serves another folder instead of www/dist.

#![expect(
    clippy::expect_used,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a test fails at the failing step and reports what it saw"
)]

mod driver;
mod page;
mod pong;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use fantoccini::key::Key;
use snake::Snake;
use tests::{TestServer, client::Options};
use tokio::sync::Mutex;

use driver::ChromeDriver;
use page::Page;

/// How long the page may take to load, connect and see both players.
const JOIN_DEADLINE: Duration = Duration::from_secs(30);

/// How long a key press may take to show in the page's state before it is pressed again.
const TURN_DEADLINE: Duration = Duration::from_secs(2);

/// How long steering may take in all, counting respawns after deaths.
const STEER_DEADLINE: Duration = Duration::from_secs(30);

/// How long the server and the other page may take to notice a browser that went away.
const LEAVE_DEADLINE: Duration = Duration::from_secs(20);

/// The whole match, including starting the browsers.
const TEST_DEADLINE: Duration = Duration::from_secs(180);

/// How long a player that said it leaves may take to vanish from the others' pages: well
/// under the private room test's `reconnect_grace`, after which a silent drop would vanish.
const SAID_LEAVE_DEADLINE: Duration = Duration::from_secs(5);

/// How long the lobby, the leaderboard or a round's results may take to show.
const LIST_DEADLINE: Duration = Duration::from_secs(20);

/// One test's browsers at a time: each starts two or three Chromiums, and two cores running
/// five browsers and two servers make every deadline a gamble.
static BROWSERS: Mutex<()> = Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_browsers_share_a_match_steer_and_see_a_player_leave() {
    let _browsers = BROWSERS.lock().await;
    let www = built_client();
    let out = workspace().join("target/e2e");
    std::fs::create_dir_all(&out).expect("create target/e2e");

    let config = tickwire_server::Config {
        www: Some(www),
        // A closed page's snake goes after the grace period; keep it short here.
        reconnect_grace: Duration::from_secs(1),
        drain_timeout: Duration::from_secs(1),
        ..tickwire_server::Config::default().in_memory()
    };
    let server = TestServer::start(Snake::default(), config).await;
    let url = format!("http://{}/", server.addr());

    let mut driver = ChromeDriver::start(out.join("chromedriver.log")).await;
    let a = Page::open(&mut driver, "A").await;
    let b = Page::open(&mut driver, "B").await;

    supervise("the match", &[&a, &b], play(url, a.clone(), b.clone(), out)).await;
    a.close().await;
    drop(driver);
    server.stop().await.expect("the server shuts down cleanly");
}

/// Two players join; A turns; A's page is photographed; B leaves and A sees it.
async fn play(url: String, a: Page, b: Page, out: PathBuf) {
    a.goto(&url).await;
    b.goto(&url).await;
    a.join("alice").await;
    b.join("bob").await;
    for page in [&a, &b] {
        page.wait_for("playing with two snakes", JOIN_DEADLINE, |s| {
            s.playing_with(2)
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }

    steer(&a).await;

    let png = a.screenshot().await;
    let shot = out.join("match.png");
    std::fs::write(&shot, png).expect("write the screenshot");
    println!("screenshot of page A during the match: {}", shot.display());

    b.close().await;
    a.wait_for("playing with one snake", LEAVE_DEADLINE, |s| {
        s.playing_with(1)
    })
    .await
    .unwrap_or_else(|e| panic!("after B left, {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_room_is_shared_by_link_watched_by_code_and_resumed_after_a_reload() {
    let _browsers = BROWSERS.lock().await;
    let www = built_client();
    let out = workspace().join("target/e2e");
    std::fs::create_dir_all(&out).expect("create target/e2e");

    let config = tickwire_server::Config {
        www: Some(www),
        // Short rounds, so one ends (results, leaderboard) within the test.
        countdown: Duration::from_secs(1),
        round_length: Duration::from_secs(4),
        results_time: Duration::from_secs(2),
        // Long enough for a page reload to find its seat kept.
        reconnect_grace: Duration::from_secs(10),
        drain_timeout: Duration::from_secs(1),
        ..tickwire_server::Config::default().in_memory()
    };
    let server = TestServer::start(Snake::default(), config).await;
    let url = format!("http://{}/", server.addr());

    // A bot quick-joins, so the lobby has a public room to list. It keeps reading, as a
    // player's client does, so the server never counts it as gone.
    let mut bot = tests::within(snake_client(&server.ws_url(), "pat"))
        .await
        .expect("the bot joins");
    let bot = tokio::spawn(async move { while bot.next_snapshot().await.is_ok() {} });

    let mut driver = ChromeDriver::start(out.join("chromedriver-rooms.log")).await;
    let a = Page::open(&mut driver, "A").await;
    let b = Page::open(&mut driver, "B").await;
    let c = Page::open(&mut driver, "C").await;

    supervise(
        "the private room test",
        &[&a, &b, &c],
        share_watch_and_resume(url, a.clone(), b.clone(), c.clone(), out),
    )
    .await;
    bot.abort();
    drop(driver);
    server.stop().await.expect("the server shuts down cleanly");
}

async fn snake_client(url: &str, name: &str) -> Result<tests::Client<Snake>, tests::ClientError> {
    tests::Client::connect_with(url, name, Options::default()).await
}

/// A reads the lobby and opens a private room; B joins it by link; C watches it by code;
/// a round ends with results and a leaderboard; B reloads into its own seat, then leaves.
async fn share_watch_and_resume(url: String, a: Page, b: Page, c: Page, out: PathBuf) {
    // The lobby lists the bot's public room, with buttons to join and watch it.
    a.goto(&url).await;
    a.wait_until(
        "listing a public room",
        LIST_DEADLINE,
        "const rooms = document.getElementById('rooms');
         return rooms.querySelector('li[data-code] button[data-join]') !== null
             && rooms.querySelector('li[data-code] button[data-watch]') !== null
             && rooms.textContent.includes('pat');",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let shot = out.join("lobby.png");
    std::fs::write(&shot, a.screenshot().await).expect("write the screenshot");
    println!("screenshot of the lobby: {}", shot.display());

    // A opens a private room: its code is in the state, the address bar and the invite link.
    a.enter("alice", "#create").await;
    let state = a
        .wait_for("in a private room of its own", JOIN_DEADLINE, |s| {
            s.playing_with(1) && s.role() == Some("player") && s.code().is_some()
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let code = state.code().unwrap_or_default().to_owned();
    let address = a.url().await;
    assert!(
        address.ends_with(&format!("/?room={code}")),
        "A's address bar says {address}, not room {code}"
    );
    let link = a
        .eval("return document.getElementById('share').value;")
        .await;
    assert_eq!(
        link.as_str(),
        Some(format!("{url}?room={code}").as_str()),
        "the invite link"
    );

    // B follows the link, picks a name and plays in the same room.
    b.goto(&format!("{url}?room={code}")).await;
    b.join("bob").await;
    for page in [&a, &b] {
        page.wait_for(
            &format!("playing in {code} with two snakes"),
            JOIN_DEADLINE,
            |s| s.in_room(&code, "player", 2),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }

    // C watches by code: both snakes, no snake of its own, and its keys send nothing (the
    // server would close a spectator's input with 1008).
    c.goto(&format!("{url}?watch={code}")).await;
    let watching = c
        .wait_for(
            &format!("watching {code} with two snakes"),
            JOIN_DEADLINE,
            |s| s.in_room(&code, "spectator", 2) && s.me().is_none(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    c.press(Key::Up).await;
    c.press(Key::Left).await;
    let later = watching.tick() + 30;
    c.wait_for(
        "still watching two seconds of ticks later",
        JOIN_DEADLINE,
        |s| s.tick() >= later,
    )
    .await
    .and_then(|s| {
        s.in_room(&code, "spectator", 2)
            .then_some(())
            .ok_or(format!("page C stopped watching: {s}"))
    })
    .unwrap_or_else(|e| panic!("{e}"));

    // A round runs out: every page shows the results, then the leaderboard has the players.
    a.wait_until(
        "showing a finished round's results",
        LIST_DEADLINE,
        "const state = JSON.parse(document.body.dataset.state);
         const results = document.getElementById('results');
         return state.round === 'ended' && !results.hidden
             && results.textContent.includes('Round over');",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let shot = out.join("results.png");
    std::fs::write(&shot, a.screenshot().await).expect("write the screenshot");
    println!("screenshot of a round's results: {}", shot.display());
    a.wait_until(
        "listing alice and bob on the leaderboard",
        LIST_DEADLINE,
        "const t = document.getElementById('leaders').textContent;
         return t.includes('alice') && t.includes('bob');",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));

    // B reloads and gets its own snake back: same player, same room.
    let before = b
        .state()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .and_then(|s| s.me())
        .expect("B has a snake");
    b.reload().await;
    b.wait_for(
        &format!("back in {code} as player {before}"),
        JOIN_DEADLINE,
        |s| s.in_room(&code, "player", 2) && s.me() == Some(before),
    )
    .await
    .unwrap_or_else(|e| panic!("after reloading, {e}"));

    // B leaves: the lobby again, the address bar plain, and a reload does not rejoin.
    b.click("#leave").await;
    b.wait_for("back in the lobby", JOIN_DEADLINE, |s| {
        s.phase() == "lobby" && s.role().is_none() && s.code().is_none()
    })
    .await
    .unwrap_or_else(|e| panic!("after leaving, {e}"));
    let address = b.url().await;
    assert!(
        !address.contains("room="),
        "B left but its address is {address}"
    );
    // Said, not just dropped: the seat goes at once, not after the grace period.
    a.wait_for("playing alone again", SAID_LEAVE_DEADLINE, |s| {
        s.in_room(&code, "player", 1)
    })
    .await
    .unwrap_or_else(|e| panic!("after B left, {e}"));
    b.reload().await;
    let state = b
        .wait_for("loaded", JOIN_DEADLINE, |s| s.phase() != "loading")
        .await
        .unwrap_or_else(|e| panic!("after leaving and reloading, {e}"));
    assert_eq!(
        state.phase(),
        "lobby",
        "a reload after leaving rejoined: {state}"
    );
}

/// Turns A's snake a quarter turn with the arrow keys and waits for the page to show the new
/// heading. A snake that dies first (into a wall or another snake) is waited for to respawn
/// and turned again, the other way, so a wall on one side cannot fail the test.
async fn steer(page: &Page) {
    let give_up = tokio::time::Instant::now() + STEER_DEADLINE;
    for attempt in 0.. {
        let remaining = give_up.saturating_duration_since(tokio::time::Instant::now());
        let state = page
            .wait_for("alive with a heading, the world moving", remaining, |s| {
                s.alive() && s.dir().is_some() && s.moving()
            })
            .await
            .unwrap_or_else(|e| panic!("steering: {e}"));
        let from = state.dir().unwrap_or_default().to_owned();
        let (to, key) = quarter_turn(&from, attempt % 2 == 1);
        page.press(key).await;
        // The page draws the turn at once (prediction), then the server confirms it.
        let predicted = page
            .wait_for(&format!("drawn heading {to}"), TURN_DEADLINE, |s| {
                s.shown() == Some(to)
            })
            .await;
        let turned = match predicted {
            Ok(_) => {
                page.wait_for(&format!("heading {to}"), TURN_DEADLINE, |s| {
                    s.dir() == Some(to)
                })
                .await
            }
            Err(e) => Err(e),
        };
        match turned {
            Ok(_) => return,
            Err(e) if tokio::time::Instant::now() < give_up => {
                println!("turn {from} -> {to} not seen, pressing again: {e}");
            }
            Err(e) => panic!("steering: {e}"),
        }
    }
}

/// The heading a quarter turn from `dir`, and the arrow key that asks for it.
fn quarter_turn(dir: &str, other_way: bool) -> (&'static str, Key) {
    let options = match dir {
        "Up" | "Down" => [("Left", Key::Left), ("Right", Key::Right)],
        _ => [("Up", Key::Up), ("Down", Key::Down)],
    };
    options[usize::from(other_way)]
}

/// Runs `test` (`what`, for messages) in its own task within [`TEST_DEADLINE`], so that a
/// failure anywhere in it still leaves the caller able to report what every page showed
/// before failing the test.
async fn supervise(what: &str, pages: &[&Page], test: impl Future<Output = ()> + Send + 'static) {
    match tokio::spawn(tokio::time::timeout(TEST_DEADLINE, test)).await {
        Ok(Ok(())) => {}
        Ok(Err(_)) => {
            report(pages).await;
            panic!("{what} did not finish within {TEST_DEADLINE:?}");
        }
        Err(failure) => {
            report(pages).await;
            std::panic::resume_unwind(failure.into_panic());
        }
    }
}

/// Prints each page's state and browser console, for a failed run.
async fn report(pages: &[&Page]) {
    for page in pages {
        let state = match page.state().await {
            Ok(Some(state)) => state.to_string(),
            Ok(None) => "(none yet)".to_owned(),
            Err(e) => format!("(unreadable: {e})"),
        };
        eprintln!("--- page {} state: {state}", page.label);
        match page.console_log().await {
            Ok(lines) if lines.is_empty() => eprintln!("--- page {} console: empty", page.label),
            Ok(lines) => {
                eprintln!("--- page {} console:", page.label);
                for line in lines {
                    eprintln!("    {line}");
                }
            }
            Err(e) => eprintln!("--- page {} console unavailable: {e}", page.label),
        }
    }
}

/// The folder the server serves at `/`: snake's client built into www/dist, or `$E2E_WWW`.
fn built_client() -> PathBuf {
    built("E2E_WWW", "www/dist", "trunk build")
}

/// A built client: the folder `$variable` names, else `default` in the workspace, which
/// `build` (run in the workspace root) makes.
fn built(variable: &str, default: &str, build: &str) -> PathBuf {
    let www = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(default));
    assert!(
        www.join("index.html").is_file(),
        "{} has no index.html: build the client first with `{build}` in the workspace root \
         (scripts/test builds it before running this test)",
        www.display()
    );
    www
}

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
}
