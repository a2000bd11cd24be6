//! Pong end to end: the second game's page, built into www/dist-pong, on the same toolkit
//! and server runtime as snake. Two browsers quick-play into one room, a round starts, one
//! player holds the up arrow and sees its paddle (predicted at once, then confirmed by the
//! server) move up, lets go and sees it stop; the other player leaves and the first sees it.

use std::{path::PathBuf, time::Duration};

use fantoccini::key::Key;
use pong::Pong;
use tests::TestServer;

use crate::{
    BROWSERS, JOIN_DEADLINE, LEAVE_DEADLINE, built, driver::ChromeDriver, page::Page, supervise,
    workspace,
};

/// How long a held key may take to show as the page's held motion and then the server's.
const HOLD_DEADLINE: Duration = Duration::from_secs(5);

/// How long the countdown before the round may take.
const ROUND_DEADLINE: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_browsers_play_pong_and_a_held_key_moves_the_paddle() {
    let _browsers = BROWSERS.lock().await;
    let www = built(
        "E2E_WWW_PONG",
        "www/dist-pong",
        "trunk build www/pong/index.html --dist www/dist-pong",
    );
    let out = workspace().join("target/e2e");
    std::fs::create_dir_all(&out).expect("create target/e2e");

    let config = tickwire_server::Config {
        www: Some(www),
        countdown: Duration::from_secs(1),
        reconnect_grace: Duration::from_secs(1),
        drain_timeout: Duration::from_secs(1),
        ..tickwire_server::Config::default().in_memory()
    };
    let server = TestServer::start(Pong::default(), config).await;
    let url = format!("http://{}/", server.addr());

    let mut driver = ChromeDriver::start(out.join("chromedriver-pong.log")).await;
    let a = Page::open(&mut driver, "A").await;
    let b = Page::open(&mut driver, "B").await;
    supervise(
        "the pong match",
        &[&a, &b],
        play(url, a.clone(), b.clone(), out),
    )
    .await;
    a.close().await;
    drop(driver);
    server.stop().await.expect("the server shuts down cleanly");
}

async fn play(url: String, a: Page, b: Page, out: PathBuf) {
    a.goto(&url).await;
    b.goto(&url).await;
    // Quick play: A opens a room and waits in it; B is put into the one room with a seat.
    a.join("alice").await;
    a.wait_for("in a room", JOIN_DEADLINE, |s| s.phase() == "playing")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    b.join("bob").await;
    for page in [&a, &b] {
        page.wait_for(
            "a running round with two paddles",
            ROUND_DEADLINE + JOIN_DEADLINE,
            |s| {
                s.phase() == "playing"
                    && s.players() == Some(2)
                    && s.get("paddles").as_u64() == Some(2)
                    && s.get("round").as_str() == Some("running")
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    }

    let start = a
        .state()
        .await
        .expect("A's state")
        .and_then(|s| s.get("y").as_u64())
        .expect("A has a paddle");
    a.hold(Key::Up).await;
    // The page holds Up at once; the server then moves the paddle up.
    a.wait_for("holding up", HOLD_DEADLINE, |s| {
        s.get("held").as_str() == Some("up")
    })
    .await
    .unwrap_or_else(|e| panic!("after pressing up, {e}"));
    let moved = a
        .wait_for("the server moving A's paddle up", HOLD_DEADLINE, |s| {
            s.get("motion").as_str() == Some("up") && s.get("y").as_u64().is_some_and(|y| y < start)
        })
        .await
        .unwrap_or_else(|e| panic!("while holding up from y {start}, {e}"));
    println!("A's paddle moved up: {moved}");

    let png = a.screenshot().await;
    let shot = out.join("pong.png");
    std::fs::write(&shot, png).expect("write the screenshot");
    println!("screenshot of page A playing pong: {}", shot.display());

    a.release(Key::Up).await;
    a.wait_for("the paddle stopped", HOLD_DEADLINE, |s| {
        s.get("held").as_str() == Some("stop") && s.get("motion").as_str() == Some("stop")
    })
    .await
    .unwrap_or_else(|e| panic!("after letting go, {e}"));

    b.close().await;
    a.wait_for("one paddle left", LEAVE_DEADLINE, |s| {
        s.get("paddles").as_u64() == Some(1)
    })
    .await
    .unwrap_or_else(|e| panic!("after B left, {e}"));
}
