//! The `server` binary as an operator runs it, through `tickwire_server::cli`: flags and
//! `GAME_*` variables, the address it logs, and its signals. The first SIGTERM drains (a
//! running round is finished, health checks say `draining`); a second stops at once.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails at the failing step"
)]

use std::{
    io::{BufRead as _, BufReader},
    net::SocketAddr,
    process::{Child, Command, ExitStatus, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use snake::Snake;
use tickwire_client::client::Client;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// How long any one step may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(20);

/// The `server` binary, running, with its log read line by line.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: mpsc::Receiver<String>,
}

impl Server {
    /// Starts `server` with `args` and `env`, and waits until it says where it serves.
    fn start(args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("GAME_")) {
            command.env_remove(name);
        }
        let mut child = command
            .args(args)
            .envs(env.iter().copied())
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server binary");
        let stdout = child.stdout.take().expect("piped stdout");
        let (lines, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            log,
        };
        let serving = server.wait_for_log("serving");
        server.addr = serving
            .split_once("addr=Some(")
            .and_then(|(_, rest)| rest.split_once(')'))
            .and_then(|(addr, _)| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {serving:?}"));
        server
    }

    /// The next log line containing `text`, skipping others.
    fn wait_for_log(&self, text: &str) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.log.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(e) => panic!("no log line with {text:?}: {e}"),
            }
        }
    }

    /// Sends SIGTERM.
    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Waits for the process to end.
    async fn exit(mut self) -> ExitStatus {
        let waited = tokio::task::spawn_blocking(move || self.child.wait());
        tokio::time::timeout(DEADLINE, waited)
            .await
            .expect("the server exits in time")
            .expect("the waiting thread")
            .expect("wait for the server")
    }

    /// Whether the process is still running.
    fn running(&mut self) -> bool {
        self.child.try_wait().expect("poll the server").is_none()
    }

    /// GETs `path` and returns the status code and body.
    async fn get(&self, path: &str) -> (u16, String) {
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut response = String::new();
        tokio::time::timeout(DEADLINE, stream.read_to_string(&mut response))
            .await
            .expect("an answer in time")
            .unwrap();
        let status = response
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
        (status, body)
    }

    /// Waits until `path` answers `status`.
    async fn until_status(&self, path: &str, status: u16) -> String {
        tokio::time::timeout(DEADLINE, async {
            loop {
                let (got, body) = self.get(path).await;
                if got == status {
                    return body;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .unwrap_or_else(|_| panic!("{path} never answered {status}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[tokio::test]
async fn sigterm_with_no_round_running_stops_the_server_cleanly() {
    let server = Server::start(
        &["--db", ":memory:"],
        &[("GAME_ADDR", "127.0.0.1:0"), ("GAME_TICK_RATE", "20")],
    );
    assert_eq!(server.get("/healthz").await, (200, "ok\n".to_owned()));
    let url = format!("ws://{}/ws", server.addr);
    let client = Client::<Snake>::connect(&url, "ann").await.unwrap();
    assert_eq!(client.welcome().tick_rate, 20, "GAME_TICK_RATE is read");
    drop(client);

    server.terminate();
    server.wait_for_log("stopped");
    let status = server.exit().await;
    assert!(status.success(), "{status}");
}

#[tokio::test]
async fn a_second_sigterm_stops_the_server_without_waiting_for_the_round() {
    let mut server = Server::start(
        &[
            "--addr",
            "127.0.0.1:0",
            "--db",
            ":memory:",
            "--countdown",
            "100ms",
            "--round-length",
            "10m",
        ],
        &[],
    );
    let url = format!("ws://{}/ws", server.addr);
    let _ann = Client::<Snake>::connect(&url, "ann").await.unwrap();
    let _bo = Client::<Snake>::connect(&url, "bo").await.unwrap();
    tokio::time::timeout(DEADLINE, async {
        while !server
            .get("/api/rooms")
            .await
            .1
            .contains("\"phase\":\"running\"")
        {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("a round starts");

    server.terminate();
    server.until_status("/healthz", 503).await;
    server.wait_for_log("signal again to stop at once");
    assert!(server.running(), "the round is still being played out");

    server.terminate();
    let status = server.exit().await;
    assert_eq!(status.code(), Some(130), "{status}");
}
