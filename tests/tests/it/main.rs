//! One integration-test binary (one link step) with a module per area.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test at the failing step"
)]

mod abuse;
mod bots;
mod link;
mod matches;
mod sockets;
mod stepped;
mod tidy;
mod tls;
