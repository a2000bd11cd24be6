//! The lobby's background fetches, the seat saved for a reload and the address bar, against
//! a real browser's fetch, `sessionStorage` and history (see web.rs for how these run).

#![cfg(target_arch = "wasm32")]
#![expect(clippy::expect_used, reason = "a test fails at the failing step")]

use tickwire::ResumeToken;
use tickwire_web::{
    lobby::{Feed, get_bytes},
    now,
    saved::{self, Address, Seat},
};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

/// Waits one macrotask of `ms`, letting the browser deliver fetch results.
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("timer");
}

#[wasm_bindgen_test]
fn a_saved_seat_survives_in_session_storage_until_cleared() {
    let window = window();
    saved::clear(&window);
    assert_eq!(saved::load(&window), None);
    let seat = Seat {
        code: "K7QX".into(),
        token: ResumeToken([7; 16]),
        name: "ann".into(),
    };
    saved::save(&window, &seat);
    assert_eq!(saved::load(&window), Some(seat));
    saved::clear(&window);
    assert_eq!(saved::load(&window), None);
}

#[wasm_bindgen_test]
fn the_address_bar_names_the_room_without_reloading() {
    let window = window();
    let location = window.location();
    let before = location.search().expect("search");
    saved::show_address(&window, Address::Room("K7QX"));
    let search = location.search().expect("search");
    assert!(search.ends_with("room=K7QX"), "{search}");
    saved::show_address(&window, Address::Watch("K7QX"));
    let search = location.search().expect("search");
    assert!(
        search.ends_with("watch=K7QX") && !search.contains("room="),
        "{search}"
    );
    saved::show_address(&window, Address::Plain);
    let search = location.search().expect("search");
    assert!(
        !search.contains("watch=") && !search.contains("room="),
        "{search}"
    );
    assert_eq!(search, before, "other parameters are kept");
}

#[wasm_bindgen_test]
async fn a_failed_fetch_is_an_error_not_a_panic() {
    // The test runner's server knows nothing of the game's API.
    let result = get_bytes("/api/rooms").await;
    assert!(result.is_err(), "{result:?}");
}

#[wasm_bindgen_test]
async fn a_feed_delivers_its_reply_to_the_frame_loop() {
    let mut feed = Feed::new("/no-such-resource");
    assert!(feed.take().is_none());
    feed.refresh(now());
    let deadline = now() + 5_000.0;
    let reply = loop {
        if let Some(reply) = feed.take() {
            break reply;
        }
        assert!(now() < deadline, "no reply within 5 s");
        pause(10).await;
    };
    let error = reply.expect_err("a missing resource");
    assert!(error.contains("HTTP 404"), "{error}");
    assert!(feed.take().is_none(), "one reply per request");
}
