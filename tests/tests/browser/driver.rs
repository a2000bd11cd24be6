//! Chromium under chromedriver for the browser test: the driver runs as a child process on a
//! free loopback port and is killed with every browser it started when the guard drops, even
//! when the test panics.

use std::{
    fs,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, wd::WebDriverCompatibleCommand};
use http::Method;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use tokio::{net::TcpStream, time::Instant};
use url::Url;

/// How long chromedriver may take to start listening, and Chromium to open a session.
const START_DEADLINE: Duration = Duration::from_secs(30);

/// How often to check whether chromedriver is listening.
const POLL: Duration = Duration::from_millis(25);

/// Chromium's flags, as TOOLCHAIN.md records them: headless as root, and no attempts to reach
/// the outside, which this machine's closed network refuses.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=800,800",
];

/// A running chromedriver. Dropping it kills its whole process group, the browsers included,
/// and removes the browsers' profile folders.
#[derive(Debug)]
pub(crate) struct ChromeDriver {
    child: Child,
    port: u16,
    profiles: Vec<PathBuf>,
}

impl ChromeDriver {
    /// Starts `$CHROMEDRIVER` (default: `chromedriver` on PATH) on a free loopback port and
    /// waits until it listens. `log` receives chromedriver's own log.
    pub(crate) async fn start(log: PathBuf) -> ChromeDriver {
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        // The port is free when chosen but could be taken before chromedriver binds it, so a
        // driver that exits at once is retried on another port.
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut command = Command::new(&program);
            command
                .arg(format!("--port={port}"))
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            // Its own process group, so that one signal reaches chromedriver and the browsers.
            std::os::unix::process::CommandExt::process_group(&mut command, 0);
            let child = command.spawn().unwrap_or_else(|e| {
                panic!(
                    "cannot run {program}: {e}; install Chromium and chromedriver with \
                     scripts/setup, or set CHROMEDRIVER"
                )
            });
            let mut driver = ChromeDriver {
                child,
                port,
                profiles: Vec::new(),
            };
            match driver.wait_until_ready().await {
                Ok(()) => return driver,
                // Exited at once, most likely because the port was taken: try another.
                Err(e) if driver.child.try_wait().is_ok_and(|s| s.is_some()) => last_error = e,
                Err(e) => panic!("chromedriver did not start: {e} (see {})", log.display()),
            }
        }
        panic!(
            "chromedriver did not start: {last_error} (see {})",
            log.display()
        );
    }

    /// Waits until chromedriver accepts connections, which it does once it can serve.
    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_DEADLINE;
        let mut poll = tokio::time::interval(POLL);
        loop {
            poll.tick().await;
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("chromedriver exited with {status}"));
            }
            if TcpStream::connect(("127.0.0.1", self.port)).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("not listening within {START_DEADLINE:?}"));
            }
        }
    }

    /// Opens a new Chromium, with a fresh profile, in its own WebDriver session.
    pub(crate) async fn open_browser(&mut self) -> Client {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let profile = std::env::temp_dir().join(format!(
            "browser-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&profile);
        fs::create_dir_all(&profile).expect("create the browser profile folder");
        self.profiles.push(profile.clone());

        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|&a| a.to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut chrome_options = json!({ "args": args });
        if let Ok(binary) = std::env::var("CHROMIUM") {
            chrome_options["binary"] = json!(binary);
        }
        let capabilities = json!({
            "goog:chromeOptions": chrome_options,
            // Keeps the page's console for `console_log`.
            "goog:loggingPrefs": { "browser": "ALL" },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal")
        };
        let url = format!("http://127.0.0.1:{}", self.port);
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        tokio::time::timeout(START_DEADLINE, builder.connect(&url))
            .await
            .unwrap_or_else(|_| panic!("no browser session within {START_DEADLINE:?}"))
            .unwrap_or_else(|e| panic!("cannot start a browser session: {e}"))
    }
}

/// The browser console since the last read, one line per entry. Chromium keeps it only for a
/// session that asked for `goog:loggingPrefs`, as [`ChromeDriver::open_browser`] does.
pub(crate) async fn console_log(client: &Client) -> Result<Vec<String>, String> {
    let value = tokio::time::timeout(Duration::from_secs(5), client.issue_cmd(BrowserLog))
        .await
        .map_err(|_| "timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    let entries = value
        .as_array()
        .ok_or_else(|| format!("not a log: {value}"))?;
    Ok(entries
        .iter()
        .map(|e| format!("{} {}", e["level"].as_str().unwrap_or("?"), e["message"]))
        .collect())
}

/// chromedriver's own command for the browser console, which fantoccini does not wrap.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &Url, session: Option<&str>) -> Result<Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &Url) -> (Method, Option<String>) {
        (Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // Negative pid: the whole process group, chromedriver and every browser it started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        for profile in &self.profiles {
            let _ = fs::remove_dir_all(profile);
        }
    }
}

/// A loopback port that was free a moment ago.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a loopback port")
        .port()
}
