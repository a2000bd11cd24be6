//! One browser tab showing the client, seen only through the page contract: the `#name`
//! input, the `#play`, `#create` and `#leave` buttons, the lobby's `#rooms` list, the
//! `#board` canvas, and `document.body.dataset.state`, a JSON object the client rewrites on
//! every snapshot.

use std::time::Duration;

use fantoccini::{
    Client, Locator,
    actions::{InputSource, KeyAction, KeyActions},
    key::Key,
};
use serde_json::Value;
use tokio::time::Instant;

use crate::driver::{self, ChromeDriver};

/// How often a condition on the page is checked; a snapshot arrives every 67 ms at 15 Hz.
const POLL: Duration = Duration::from_millis(20);

/// The longest any single WebDriver command may take.
const COMMAND_DEADLINE: Duration = Duration::from_secs(15);

/// What the client reports in `document.body.dataset.state`, e.g.
/// `{"phase":"playing","tick":123,"me":4,"snakes":2,"alive":true,"dir":"Up"}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct State(Value);

impl State {
    /// `lobby`, `connecting`, `playing`, `reconnecting` or `failed`.
    pub(crate) fn phase(&self) -> &str {
        self.0["phase"].as_str().unwrap_or("")
    }

    /// How many snakes the last snapshot held.
    pub(crate) fn snakes(&self) -> Option<u64> {
        self.0["snakes"].as_u64()
    }

    /// Whether the world moves (free play or a round, not a countdown or results).
    pub(crate) fn moving(&self) -> bool {
        matches!(self.0["round"].as_str(), Some("waiting" | "running"))
    }

    /// Whether this page's own snake is alive.
    pub(crate) fn alive(&self) -> bool {
        self.0["alive"].as_bool() == Some(true)
    }

    /// The heading of this page's own snake: `Up`, `Down`, `Left` or `Right`.
    pub(crate) fn dir(&self) -> Option<&str> {
        self.0["dir"].as_str()
    }

    /// The heading the page draws its own snake with, prediction included.
    pub(crate) fn shown(&self) -> Option<&str> {
        self.0["shown"].as_str()
    }

    /// Whether the page is in a match with `n` snakes.
    pub(crate) fn playing_with(&self, n: u64) -> bool {
        self.phase() == "playing" && self.snakes() == Some(n)
    }

    /// The newest snapshot's tick, 0 before the first.
    pub(crate) fn tick(&self) -> u64 {
        self.0["tick"].as_u64().unwrap_or(0)
    }

    /// This page's own player, or `None` outside a room and while watching.
    pub(crate) fn me(&self) -> Option<u64> {
        self.0["me"].as_u64()
    }

    /// `player` or `spectator` once welcomed into a room.
    pub(crate) fn role(&self) -> Option<&str> {
        self.0["role"].as_str()
    }

    /// The code of the room the page is in.
    pub(crate) fn code(&self) -> Option<&str> {
        self.0["code"].as_str()
    }

    /// A member of the state by name, `null` if absent: the game's own members (pong's
    /// `paddles`, `y`, `motion`, `held`).
    pub(crate) fn get(&self, member: &str) -> &Value {
        &self.0[member]
    }

    /// How many players the last snapshot held (any game).
    pub(crate) fn players(&self) -> Option<u64> {
        self.0["players"].as_u64()
    }

    /// Whether the page is in room `code` as `role`, seeing `snakes` snakes.
    pub(crate) fn in_room(&self, code: &str, role: &str, snakes: u64) -> bool {
        self.playing_with(snakes) && self.code() == Some(code) && self.role() == Some(role)
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A tab in its own browser, labelled for messages.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) label: &'static str,
    client: Client,
}

impl Page {
    /// Starts a browser with a fresh profile.
    pub(crate) async fn open(driver: &mut ChromeDriver, label: &'static str) -> Page {
        let client = driver.open_browser().await;
        Page { label, client }
    }

    /// Loads `url` and waits for the page to finish loading.
    pub(crate) async fn goto(&self, url: &str) {
        self.command("load the page", self.client.goto(url)).await;
    }

    /// Types `name` into `#name` and clicks `#play`.
    pub(crate) async fn join(&self, name: &str) {
        self.enter(name, "#play").await;
    }

    /// Types `name` into `#name` and clicks the button `button` (a CSS selector).
    pub(crate) async fn enter(&self, name: &str, button: &str) {
        let input = self
            .command(
                "find #name",
                self.client.wait().for_element(Locator::Css("#name")),
            )
            .await;
        self.command("clear #name", input.clear()).await;
        self.command("type into #name", input.send_keys(name)).await;
        self.click(button).await;
    }

    /// Clicks the element `css` selects.
    pub(crate) async fn click(&self, css: &str) {
        let element = self
            .command(&format!("find {css}"), self.client.find(Locator::Css(css)))
            .await;
        self.command(&format!("click {css}"), element.click()).await;
    }

    /// Reloads the page, as the browser's reload button does.
    pub(crate) async fn reload(&self) {
        self.command("reload the page", self.client.refresh()).await;
    }

    /// The address in the address bar.
    pub(crate) async fn url(&self) -> String {
        self.command("read the address", self.client.current_url())
            .await
            .to_string()
    }

    /// Runs `script` (a function body returning a value) in the page.
    pub(crate) async fn eval(&self, script: &str) -> Value {
        self.command("run a script", self.client.execute(script, vec![]))
            .await
    }

    /// Polls `script`, a function body returning a boolean, until it returns true, for at
    /// most `within`.
    pub(crate) async fn wait_until(
        &self,
        what: &str,
        within: Duration,
        script: &str,
    ) -> Result<(), String> {
        let deadline = Instant::now() + within;
        let mut poll = tokio::time::interval(POLL);
        loop {
            poll.tick().await;
            if self.eval(script).await == Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                let state = self
                    .state()
                    .await
                    .ok()
                    .flatten()
                    .map_or("none".to_owned(), |s| s.to_string());
                return Err(format!(
                    "page {}: not {what} within {within:?}; state: {state}",
                    self.label
                ));
            }
        }
    }

    /// The page's current state, or `None` before the client has written one.
    pub(crate) async fn state(&self) -> Result<Option<State>, String> {
        let value = tokio::time::timeout(
            COMMAND_DEADLINE,
            self.client
                .execute("return document.body.dataset.state ?? null;", vec![]),
        )
        .await
        .map_err(|_| "reading the state timed out".to_owned())?
        .map_err(|e| format!("cannot read the state: {e}"))?;
        match value {
            Value::Null => Ok(None),
            Value::String(text) => serde_json::from_str(&text)
                .map(|json| Some(State(json)))
                .map_err(|e| format!("state is not JSON ({e}): {text}")),
            other => Err(format!("state is not a string: {other}")),
        }
    }

    /// Polls the state until `ready` holds, for at most `within`. The error says what was
    /// awaited and the last state seen.
    pub(crate) async fn wait_for(
        &self,
        what: &str,
        within: Duration,
        ready: impl Fn(&State) -> bool,
    ) -> Result<State, String> {
        let deadline = Instant::now() + within;
        let mut last = None;
        let mut poll = tokio::time::interval(POLL);
        loop {
            poll.tick().await;
            match self.state().await? {
                Some(state) if ready(&state) => return Ok(state),
                seen => last = seen.or(last),
            }
            if Instant::now() > deadline {
                let last = last.map_or("none".to_owned(), |s| s.to_string());
                return Err(format!(
                    "page {}: not {what} within {within:?}; last state: {last}",
                    self.label
                ));
            }
        }
    }

    /// Presses and releases `key` as real keyboard input, delivered to `#board` if it can
    /// take focus and to the document otherwise.
    pub(crate) async fn press(&self, key: Key) {
        self.focus_board().await;
        let keys = KeyActions::new("keyboard".to_owned())
            .then(KeyAction::Down { value: key.into() })
            .then(KeyAction::Up { value: key.into() });
        self.command("press a key", self.client.perform_actions(keys))
            .await;
    }

    /// Gives the board the keyboard, so keys go to the game rather than a field.
    async fn focus_board(&self) {
        let focus = "const board = document.getElementById('board');
                     if (board && board.tabIndex >= 0) { board.focus(); }
                     else if (document.activeElement) { document.activeElement.blur(); }";
        self.command("focus #board", self.client.execute(focus, vec![]))
            .await;
    }

    /// Holds `key` down (on the board, as `press` does) until [`Page::release`].
    pub(crate) async fn hold(&self, key: Key) {
        self.focus_board().await;
        let keys =
            KeyActions::new("keyboard".to_owned()).then(KeyAction::Down { value: key.into() });
        self.command("hold a key", self.client.perform_actions(keys))
            .await;
    }

    /// Lets go of a key held with [`Page::hold`].
    pub(crate) async fn release(&self, key: Key) {
        let keys = KeyActions::new("keyboard".to_owned()).then(KeyAction::Up { value: key.into() });
        self.command("release a key", self.client.perform_actions(keys))
            .await;
    }

    /// A PNG of the visible page.
    pub(crate) async fn screenshot(&self) -> Vec<u8> {
        self.command("take a screenshot", self.client.screenshot())
            .await
    }

    /// The browser console since the last call.
    pub(crate) async fn console_log(&self) -> Result<Vec<String>, String> {
        driver::console_log(&self.client).await
    }

    /// Ends the session, which quits this page's browser.
    pub(crate) async fn close(&self) {
        self.command("close the browser", self.client.clone().close())
            .await;
    }

    async fn command<T, E: std::fmt::Display>(
        &self,
        what: &str,
        command: impl Future<Output = Result<T, E>>,
    ) -> T {
        match tokio::time::timeout(COMMAND_DEADLINE, command).await {
            Ok(Ok(value)) => value,
            Ok(Err(e)) => panic!("page {}: cannot {what}: {e}", self.label),
            Err(_) => panic!(
                "page {}: cannot {what} within {COMMAND_DEADLINE:?}",
                self.label
            ),
        }
    }
}
