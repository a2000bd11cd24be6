//! The browser client toolkit: any game ([`tickwire::Wire`]) over the browser's own WebSocket,
//! drawn on a canvas at display refresh, with the lobby, rooms, rounds and reconnects done
//! for it. A game supplies a [`Frontend`] (its input, drawing and what the page says about
//! its players) and calls [`run`] from its `#[wasm_bindgen(start)]` function; its crate is
//! what Trunk builds.
//!
//! `net` is the connection, `runtime` the session state machine (hello, acks, pings,
//! reconnects), `timeline` the interpolation clock, `boot` the start-up and event wiring,
//! `app` what the page does on each event and frame, `page` the elements around the board,
//! `view` and `hud` what they say, `lobby` and `saved` the lobby's lists and what survives
//! a reload, `smooth` the blending away of mispredictions.

#![deny(missing_docs)]

mod app;
mod boot;
mod frontend;
pub mod hud;
pub mod lobby;
pub mod net;
pub mod page;
pub mod runtime;
pub mod saved;
pub mod smooth;
pub mod text;
pub mod timeline;
pub mod view;

pub use boot::run;
pub use frontend::{Frontend, PlayerRow, SnapshotOf, Touch};
pub use text::{tenths, whole};

/// The page clock, in ms.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Logs to the browser console (and nowhere on native targets, where tests run).
pub(crate) fn console_info(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::info_1(&message.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

/// Logs a warning to the browser console.
pub(crate) fn console_warn(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::warn_1(&message.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

/// Sorts `items` stably by `ordering`. An insertion sort: the page's lists are short (a
/// room's players, the listed rooms), and each standard sort costs kilobytes of wasm per
/// element type it is used with.
pub(crate) fn sort_small<T>(items: &mut [T], ordering: impl Fn(&T, &T) -> std::cmp::Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && ordering(&items[j - 1], &items[j]).is_gt() {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// A stable colour for a player that is not us, as CSS.
pub fn player_colour(player: tickwire::PlayerId) -> String {
    // The golden angle, in thousandths of a degree: integer arithmetic keeps float
    // formatting (kilobytes of wasm) out of the bundle.
    let hue = (u64::from(player.0) * 137_508 / 1000) % 360;
    format!("hsl({hue}, 70%, 62%)")
}

/// A random number in 0..1, from the browser.
pub(crate) fn random() -> f64 {
    js_sys::Math::random()
}

#[cfg(test)]
mod tests {
    use super::sort_small;

    #[test]
    fn the_small_sort_orders_and_keeps_equal_items_in_place() {
        let mut items = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        sort_small(&mut items, |x, y| x.0.cmp(&y.0));
        assert_eq!(items, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut empty: [u8; 0] = [];
        sort_small(&mut empty, Ord::cmp);
    }
}
