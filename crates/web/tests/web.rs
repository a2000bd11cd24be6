//! Tests of the browser client that need a real browser, run in headless Chromium by
//! wasm-bindgen-test-runner: `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p tickwire-web
//! --target wasm32-unknown-unknown` (scripts/test does this).

#![cfg(target_arch = "wasm32")]

use snake::{Snake, SnakeInput};
use tickwire::{ClientMsg, Hello, codec};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn hello_survives_a_round_trip_through_a_browser_byte_array() {
    assert!(web_sys::window().is_some(), "not running in a browser");
    let hello: ClientMsg<SnakeInput> =
        ClientMsg::Hello(Hello::new::<Snake>("ada", tickwire::Join::Quick, None));
    let bytes = codec::encode(&hello).unwrap_or_else(|e| panic!("encode: {e}"));

    // The same path a WebSocket frame takes: into a JS-owned buffer and back out.
    let array = js_sys::Uint8Array::new_with_length(bytes.len() as u32);
    array.copy_from(&bytes);
    let back = array.to_vec();

    assert_eq!(back, bytes);
    assert_eq!(codec::decode_client::<SnakeInput>(&back), Ok(hello));
}
