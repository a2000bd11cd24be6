//! Test harness for real-socket tests: a server on port 0 in the test's own runtime, raw
//! WebSocket peers, and waiting on conditions with deadlines instead of sleeping.

#![expect(
    clippy::expect_used,
    reason = "a test harness fails the test at the failing step"
)]

use std::{future::Future, net::SocketAddr, time::Duration};

use futures_util::StreamExt;
use tickwire_game::Game;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::oneshot,
    task::JoinHandle,
};
use tokio_tungstenite::tungstenite::Message;

pub use tickwire_client::client::{self, Client, ClientError, Socket};

/// How long any single condition in a test may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// A server running `G` on a loopback port chosen by the OS.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), tickwire_server::Error>>,
}

impl TestServer {
    /// Starts `game` with `config`.
    pub async fn start<G: Game>(game: G, config: tickwire_server::Config) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback port 0");
        let addr = listener.local_addr().expect("bound address");
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(tickwire_server::run(listener, config, game, async {
            let _ = rx.await;
        }));
        TestServer {
            addr,
            shutdown: Some(tx),
            handle,
        }
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The WebSocket endpoint.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.addr)
    }

    /// Asks the server to shut down without waiting for it.
    pub fn begin_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// Shuts the server down and waits for `run` to return.
    pub async fn stop(mut self) -> Result<(), tickwire_server::Error> {
        self.begin_shutdown();
        within(&mut self.handle)
            .await
            .expect("server task panicked")
    }

    /// GETs `path` over plain HTTP/1.1 and returns the status code and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let (status, body) = self.get_bytes(path).await;
        (status, String::from_utf8(body).expect("a text body"))
    }

    /// GETs `path` over plain HTTP/1.1 and returns the status code and the body's bytes.
    pub async fn get_bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let mut stream = TcpStream::connect(self.addr).await.expect("connect");
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        stream
            .write_all(request.as_bytes())
            .await
            .expect("send request");
        let mut response = Vec::new();
        within(stream.read_to_end(&mut response))
            .await
            .expect("read response");
        let status = std::str::from_utf8(response.get(9..12).unwrap_or_default())
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|at| response[at + 4..].to_vec())
            .unwrap_or_default();
        (status, body)
    }

    /// The value of an unlabelled metric from `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let (_, body) = self.get("/metrics").await;
        body.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("metric {name} missing from:\n{body}"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.begin_shutdown();
    }
}

/// Awaits `future`, failing the test if it takes longer than [`DEADLINE`].
pub async fn within<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(DEADLINE, future)
        .await
        .expect("condition not met within the deadline")
}

/// Opens a WebSocket to `url` without saying hello.
pub async fn raw_socket(url: &str) -> Socket {
    let (ws, _) = within(tokio_tungstenite::connect_async(url))
        .await
        .expect("websocket handshake");
    ws
}

/// Reads until the server's close frame and returns its code and reason. Messages before it
/// are skipped; a connection that ends without a close frame fails the test.
pub async fn close_of(ws: &mut Socket) -> (u16, String) {
    within(async {
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (u16::from(frame.code), frame.reason.to_string());
                }
                Some(Ok(Message::Close(None))) => panic!("close frame without a code"),
                Some(Ok(_)) => {}
                Some(Err(e)) => panic!("connection failed before a close frame: {e}"),
                None => panic!("connection ended without a close frame"),
            }
        }
    })
    .await
}
