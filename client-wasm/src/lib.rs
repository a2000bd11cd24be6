//! The browser client (a stub until the browser issue lands): it will speak the same
//! `netcode` protocol as the native client, over the browser's own WebSocket.
//!
//! For now it only proves that the shared crates link into a wasm32 build.

/// The hello a browser client of `G` will send, built from the shared protocol types.
pub fn hello<G: netcode::Game>(name: &str) -> netcode::ClientMsg<G::Input> {
    netcode::ClientMsg::Hello(netcode::Hello::new::<G>(name, None))
}
