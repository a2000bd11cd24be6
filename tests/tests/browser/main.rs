//! End to end in real browsers: the client Trunk built into www/dist, loaded from the real
//! server by two headless Chromium sessions driven through chromedriver.
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

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use fantoccini::key::Key;
use snake::Snake;
use tests::TestServer;

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_browsers_share_a_match_steer_and_see_a_player_leave() {
    let www = built_client();
    let out = workspace().join("target/e2e");
    std::fs::create_dir_all(&out).expect("create target/e2e");

    let config = server::Config {
        www,
        // A closed page's snake goes after the grace period; keep it short here.
        reconnect_grace: Duration::from_secs(1),
        drain_timeout: Duration::from_secs(1),
        ..server::Config::default().in_memory()
    };
    let server = TestServer::start(Snake::default(), config).await;
    let url = format!("http://{}/", server.addr());

    let mut driver = ChromeDriver::start(out.join("chromedriver.log")).await;
    let a = Page::open(&mut driver, "A").await;
    let b = Page::open(&mut driver, "B").await;

    // The match runs in its own task so that a failure anywhere in it still leaves this
    // function able to report what both pages showed before failing the test.
    let outcome = tokio::spawn(tokio::time::timeout(
        TEST_DEADLINE,
        play(url, a.clone(), b.clone(), out),
    ))
    .await;
    match outcome {
        Ok(Ok(())) => a.close().await,
        Ok(Err(_)) => {
            report(&[&a, &b]).await;
            panic!("the match did not finish within {TEST_DEADLINE:?}");
        }
        Err(failure) => {
            report(&[&a, &b]).await;
            std::panic::resume_unwind(failure.into_panic());
        }
    }
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

/// The folder the server serves at `/`: the client built into www/dist, or `$E2E_WWW`.
fn built_client() -> PathBuf {
    let www = std::env::var_os("E2E_WWW")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("www/dist"));
    assert!(
        www.join("index.html").is_file(),
        "{} has no index.html: build the client first with `trunk build` in the workspace \
         root (scripts/test builds it before running this test)",
        www.display()
    );
    www
}

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
}
