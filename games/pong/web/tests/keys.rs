//! Pong's held controls against real browser keyboard events, in headless Chromium
//! (`CHROMEDRIVER=/usr/bin/chromedriver cargo test -p pong-web --target
//! wasm32-unknown-unknown`).

#![cfg(target_arch = "wasm32")]
#![expect(clippy::expect_used, reason = "a test fails at the failing step")]

use pong::Motion;
use pong_web::controls::{Controls, key_of};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn event(kind: &str, code: &str, key: &str) -> KeyboardEvent {
    let init = KeyboardEventInit::new();
    init.set_code(code);
    init.set_key(key);
    KeyboardEvent::new_with_keyboard_event_init_dict(kind, &init).expect("a keyboard event")
}

#[wasm_bindgen_test]
fn real_keyboard_events_map_to_keys() {
    for (code, key, motion) in [
        ("ArrowUp", "ArrowUp", Some(Motion::Up)),
        ("KeyW", "z", Some(Motion::Up)),
        ("KeyS", "s", Some(Motion::Down)),
        ("ArrowDown", "ArrowDown", Some(Motion::Down)),
        ("ArrowLeft", "ArrowLeft", None),
        ("Enter", "Enter", None),
    ] {
        let event = event("keydown", code, key);
        assert_eq!(
            key_of(&event.code(), &event.key()).map(|k| k.motion()),
            motion,
            "{code}"
        );
    }
}

#[wasm_bindgen_test]
fn held_keys_from_real_events_hand_the_paddle_back_and_forth() {
    let mut controls = Controls::default();
    let mut apply = |kind: &str, code: &str| {
        let event = event(kind, code, code);
        let key = key_of(&event.code(), &event.key()).expect("a pong key");
        if event.type_() == "keydown" {
            controls.press(key);
        } else {
            controls.release(key);
        }
        controls.held()
    };
    assert_eq!(apply("keydown", "ArrowUp"), Motion::Up);
    assert_eq!(apply("keydown", "ArrowDown"), Motion::Down);
    assert_eq!(apply("keyup", "ArrowDown"), Motion::Up);
    assert_eq!(apply("keyup", "ArrowUp"), Motion::Stop);
}
