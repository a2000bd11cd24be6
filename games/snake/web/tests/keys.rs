//! Snake's controls against real browser keyboard events, in headless Chromium
//! (`CHROMEDRIVER=/usr/bin/chromedriver cargo test -p snake-web --target
//! wasm32-unknown-unknown`; scripts/test does this).

#![cfg(target_arch = "wasm32")]
#![expect(clippy::expect_used, reason = "a test fails at the failing step")]

use snake::Dir;
use snake_web::controls::key_dir;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn real_keyboard_events_map_to_directions() {
    let event = |code: &str, key: &str| -> KeyboardEvent {
        let init = KeyboardEventInit::new();
        init.set_code(code);
        init.set_key(key);
        KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
            .expect("a keyboard event")
    };
    for (code, key, dir) in [
        ("ArrowUp", "ArrowUp", Some(Dir::Up)),
        ("KeyA", "a", Some(Dir::Left)),
        ("KeyS", "s", Some(Dir::Down)),
        ("ArrowRight", "ArrowRight", Some(Dir::Right)),
        ("Enter", "Enter", None),
    ] {
        let event = event(code, key);
        assert_eq!(key_dir(&event.code(), &event.key()), dir, "{code}");
    }
}
