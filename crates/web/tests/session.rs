//! The client's connection and session logic against the browser's real WebSocket and DOM
//! events, in headless Chromium (see web.rs for how these run).

#![cfg(target_arch = "wasm32")]
#![expect(clippy::expect_used, reason = "a test fails at the failing step")]

use snake::{Dir, Snake};
use tickwire_web::{
    net::{Connection, endpoint},
    now,
    runtime::{Env, Phase, Session},
};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::WebSocket;

wasm_bindgen_test_configure!(run_in_browser);

/// Nothing listens on the discard port of loopback, so connections there are refused.
const NOWHERE: &str = "ws://127.0.0.1:9/ws";

/// Waits one macrotask of `ms`, letting the browser deliver socket events.
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("a browser window");
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("timer");
}

fn env() -> Env {
    Env {
        now,
        random: || 0.5,
    }
}

#[wasm_bindgen_test]
fn a_dropped_connection_unregisters_its_handlers_and_closes() {
    let connection = Connection::open(NOWHERE, now, None).expect("a socket object");
    assert_eq!(connection.handlers_registered(), 3);
    assert_eq!(
        connection.socket().binary_type(),
        web_sys::BinaryType::Arraybuffer
    );
    let socket: WebSocket = connection.socket().clone();
    drop(connection);
    assert!(
        socket.onopen().is_none() && socket.onmessage().is_none() && socket.onclose().is_none()
    );
    assert!(matches!(
        socket.ready_state(),
        WebSocket::CLOSING | WebSocket::CLOSED
    ));
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_retried_with_backoff_and_said_on_screen() {
    let mut session = Session::<Snake>::new(NOWHERE.into(), env(), None);
    session.play("ann", tickwire::Join::Quick);
    assert_eq!(session.phase(), &Phase::Connecting);
    let deadline = now() + 5_000.0;
    while !matches!(session.phase(), Phase::Reconnecting { .. }) {
        assert!(now() < deadline, "still {:?} after 5 s", session.phase());
        pause(10).await;
        session.update();
    }
    let Phase::Reconnecting { retry_at, attempt } = *session.phase() else {
        unreachable!()
    };
    assert_eq!(attempt, 1);
    assert!(retry_at > now(), "the retry waits for its backoff");
    assert!(
        session.connection().is_none(),
        "the dead socket is released"
    );
    assert!(
        session
            .notice()
            .is_some_and(|n| n.contains("connection lost"))
    );
    // After the backoff a second attempt fails the same way and backs off further.
    while !matches!(session.phase(), Phase::Reconnecting { attempt: 2, .. }) {
        assert!(
            now() < deadline + 5_000.0,
            "no second attempt: {:?}",
            session.phase()
        );
        pause(20).await;
        session.update();
    }
}

#[wasm_bindgen_test]
fn the_endpoint_is_this_pages_host_on_ws() {
    let location = web_sys::window().expect("window").location();
    let url = endpoint(
        &location.protocol().expect("protocol"),
        &location.host().expect("host"),
    );
    assert_eq!(url, format!("ws://{}/ws", location.host().expect("host")));
}

#[wasm_bindgen_test]
async fn the_debug_link_holds_socket_events_back_by_its_latency() {
    let link: tickwire::link::LinkProfile = "latency=300ms".parse().expect("a profile");
    let opened = now();
    let connection = Connection::open(NOWHERE, now, Some(link)).expect("a socket object");
    // The refused connection closes at once, but the event is held for 300 ms.
    let deadline = opened + 5_000.0;
    loop {
        assert!(now() < deadline, "no close event within 5 s");
        let events = connection.drain();
        if !events.is_empty() {
            assert!(
                now() - opened >= 300.0,
                "delivered after {} ms",
                now() - opened
            );
            break;
        }
        pause(10).await;
    }
}

#[wasm_bindgen_test]
fn leaving_while_connecting_returns_to_the_lobby_for_good() {
    let mut session = Session::<Snake>::new(NOWHERE.into(), env(), None);
    session.play("ann", tickwire::Join::Watch("K7QX".into()));
    assert_eq!(session.phase(), &Phase::Connecting);
    session.leave();
    assert_eq!(session.phase(), &Phase::Lobby);
    // With the socket gone no close event can come back to schedule a retry.
    assert!(
        session.connection().is_none(),
        "the socket is closed at once"
    );
    session.update();
    assert_eq!(session.phase(), &Phase::Lobby);
    assert_eq!(session.match_phase(), None);
    assert!(session.welcome().is_none());
}

#[wasm_bindgen_test]
fn a_session_sends_no_input_before_it_has_a_snake() {
    let mut session = Session::<Snake>::new(NOWHERE.into(), env(), None);
    session.play("ann", tickwire::Join::Quick);
    assert_eq!(session.send_input(snake::SnakeInput { dir: Dir::Up }), None);
}
