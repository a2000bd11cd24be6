//! The HTTP side of the single port: the built client at `/`, the WebSocket upgrade at
//! `/ws`, `/healthz` and `/metrics` for hosts, and the lobby's API (`tickwire::api`).
//!
//! The upgrade is done here on top of hyper rather than through a framework's WebSocket
//! wrapper, so the session works on tokio-tungstenite directly and sees every protocol error
//! (oversized frames, text frames, bad opcodes) with its precise cause.

use std::{convert::Infallible, sync::Arc, time::Duration};

use axum::{
    Json, Router,
    body::Body,
    extract::{Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use hyper::{
    server::conn::http1,
    upgrade::{OnUpgrade, Upgraded},
};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tickwire::api;
use tickwire_game::Game;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{
        handshake::derive_accept_key,
        protocol::{Role, WebSocketConfig},
    },
};
use tokio_util::sync::CancellationToken;
use tower::{Service, ServiceExt as _};

use crate::{ConnectionPermit, Shared, session};

/// Every route of the server.
pub(crate) fn router<G: Game>(shared: Arc<Shared<G>>) -> Router {
    let router = Router::new()
        .route("/ws", get(upgrade::<G>))
        .route("/healthz", get(healthz::<G>))
        .route("/metrics", get(metrics::<G>))
        .route(api::ROOMS_PATH, get(rooms::<G>))
        .route(api::LEADERBOARD_PATH, get(leaderboard::<G>))
        .route(api::ROUNDS_PATH, get(rounds::<G>));
    #[cfg(feature = "www")]
    let router = match &shared.config.www {
        Some(www) => router.fallback_service(
            tower_http::services::ServeDir::new(www)
                .append_index_html_on_directories(true)
                .fallback(get(client_missing)),
        ),
        None => router.fallback(client_missing),
    };
    #[cfg(not(feature = "www"))]
    let router = router.fallback(client_missing);
    router.with_state(shared)
}

async fn metrics<G: Game>(State(shared): State<Arc<Shared<G>>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        shared.metrics.render(),
    )
}

async fn rooms<G: Game>(
    State(shared): State<Arc<Shared<G>>>,
    Query(query): Query<Listing>,
) -> Response {
    let rooms = shared.lobby.borrow().clone();
    query.answer(&*rooms)
}

/// `ok` while serving; 503 `draining` once shutdown began, so a load balancer moves new
/// players elsewhere while running rounds finish here.
async fn healthz<G: Game>(State(shared): State<Arc<Shared<G>>>) -> Response {
    if shared.draining.load(std::sync::atomic::Ordering::Relaxed) {
        (StatusCode::SERVICE_UNAVAILABLE, "draining\n").into_response()
    } else {
        "ok\n".into_response()
    }
}

/// The query of the API's listings: `?limit=N` (1 to [`api::MAX_LIMIT`]) where a listing
/// takes one, and `?format=bin` for the wire codec's bytes instead of JSON.
#[derive(Debug, serde::Deserialize)]
struct Listing {
    limit: Option<u32>,
    #[serde(default)]
    format: Format,
}

/// How an API answer is encoded.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
enum Format {
    /// JSON, for people and scripts.
    #[default]
    Json,
    /// [`tickwire::codec`], as the browser reads it ([`api::BINARY_QUERY`]).
    Bin,
}

impl Listing {
    fn limit(&self, default: u32) -> usize {
        self.limit.unwrap_or(default).clamp(1, api::MAX_LIMIT) as usize
    }

    fn answer<T: serde::Serialize + ?Sized>(&self, value: &T) -> Response {
        match self.format {
            Format::Json => Json(value).into_response(),
            Format::Bin => match tickwire::codec::encode(value) {
                Ok(bytes) => {
                    ([(header::CONTENT_TYPE, api::BINARY_CONTENT_TYPE)], bytes).into_response()
                }
                Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
            },
        }
    }
}

async fn leaderboard<G: Game>(
    State(shared): State<Arc<Shared<G>>>,
    Query(query): Query<Listing>,
) -> Response {
    match shared
        .store
        .leaderboard(query.limit(api::LEADERBOARD_LIMIT))
        .await
    {
        Ok(rows) => query.answer(&rows),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
    }
}

async fn rounds<G: Game>(
    State(shared): State<Arc<Shared<G>>>,
    Query(query): Query<Listing>,
) -> Response {
    match shared.store.rounds(query.limit(api::ROUNDS_LIMIT)).await {
        Ok(rows) => query.answer(&rows),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
    }
}

async fn client_missing() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!doctype html><title>client not built</title>\
             <p>The browser client has not been built into this server's <code>--www</code> \
             directory, or the server has none. Run the README's play command, which builds \
             it.</p>",
        ),
    )
}

/// Answers a WebSocket upgrade request with 101 and hands the upgraded connection to a
/// session task.
async fn upgrade<G: Game>(State(shared): State<Arc<Shared<G>>>, mut request: Request) -> Response {
    let upgrade = match Upgrade::take(&mut request) {
        Ok(upgrade) => upgrade,
        Err(refusal) => return refusal.into_response(),
    };
    if !origin_allowed(request.headers(), &shared.config.allowed_origins) {
        shared.metrics.connections_refused.inc();
        return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
    }
    if shared.stop.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "server shutting down\n").into_response();
    }
    let permit = request.extensions_mut().remove::<ConnectionPermit>();
    let response = upgrade.response();
    let config = shared.websocket_config;
    let tasks = shared.tasks.clone();
    tasks.spawn(async move {
        let _permit = permit;
        match upgrade.websocket(config).await {
            Ok(ws) => session::serve(ws, &shared).await,
            Err(e) => tracing::debug!(error = %e, "upgrade failed"),
        }
    });
    response
}

/// A valid RFC 6455 upgrade request, taken apart: the `Sec-WebSocket-Accept` its 101
/// carries, and the connection hyper hands over once that 101 is sent. The game's `/ws` and
/// the conformance echo endpoint ([`crate::echo`]) upgrade through this one path.
pub(crate) struct Upgrade {
    accept: HeaderValue,
    connection: OnUpgrade,
}

impl Upgrade {
    /// The upgrade `request` asks for, or why it cannot be had.
    pub(crate) fn take(request: &mut Request) -> Result<Self, NoUpgrade> {
        let accept = websocket_key(request.headers())
            .map(|key| derive_accept_key(key.as_bytes()))
            .and_then(|accept| HeaderValue::from_str(&accept).ok())
            .ok_or(NoUpgrade::NotWebSocket)?;
        let connection = request
            .extensions_mut()
            .remove::<OnUpgrade>()
            .ok_or(NoUpgrade::NotUpgradable)?;
        Ok(Self { accept, connection })
    }

    /// The 101 Switching Protocols response that completes the handshake.
    pub(crate) fn response(&self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, self.accept.clone());
        response
    }

    /// Waits until the 101 has been sent, then speaks WebSocket on the connection with
    /// `config`.
    pub(crate) async fn websocket(
        self,
        config: WebSocketConfig,
    ) -> Result<WebSocketStream<TokioIo<Upgraded>>, hyper::Error> {
        let upgraded = self.connection.await?;
        Ok(
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await,
        )
    }
}

/// Why a request cannot be upgraded to a WebSocket.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NoUpgrade {
    /// Not a WebSocket version 13 upgrade request: 426.
    NotWebSocket,
    /// The connection cannot be taken over (not HTTP/1): 500.
    NotUpgradable,
}

impl IntoResponse for NoUpgrade {
    fn into_response(self) -> Response {
        match self {
            Self::NotWebSocket => (
                StatusCode::UPGRADE_REQUIRED,
                [(header::UPGRADE, "websocket")],
                "expected a WebSocket upgrade\n",
            )
                .into_response(),
            Self::NotUpgradable => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "connection cannot be upgraded\n",
            )
                .into_response(),
        }
    }
}

/// Serves HTTP/1 with `service` on one connection until it closes or is upgraded; once
/// `stop` is cancelled, finishes the request in flight and closes. A peer gets
/// `handshake_timeout` to send each request head.
pub(crate) async fn serve_http1<S, T>(
    stream: S,
    service: T,
    handshake_timeout: Duration,
    stop: &CancellationToken,
) -> Result<(), hyper::Error>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    T: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    T::Future: Send + 'static,
{
    let service = TowerToHyperService::new(
        service.map_request(|r: hyper::Request<hyper::body::Incoming>| r.map(Body::new)),
    );
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(handshake_timeout);
    let connection = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => result,
        () = stop.cancelled() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    }
}

/// Whether a browser page at the request's `Origin` may open the game socket: pages served
/// from this server's own host name (any port, so `trunk serve` works), and the configured
/// origins. Requests without an `Origin` come from native clients and are allowed.
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if allowed
        .iter()
        .any(|a| a == "*" || a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let origin_host = origin.split_once("://").map(|(_, rest)| host_name(rest));
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(host_name);
    matches!((origin_host, host), (Some(a), Some(b)) if !a.is_empty() && a.eq_ignore_ascii_case(b))
}

/// The host name of an authority (`name:port`, `[v6]:port`), without port or path.
fn host_name(authority: &str) -> &str {
    let authority = authority.split('/').next().unwrap_or_default();
    match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    }
}

/// The `Sec-WebSocket-Key` of a valid RFC 6455 upgrade request, or `None`.
fn websocket_key(headers: &HeaderMap) -> Option<&HeaderValue> {
    let has_token = |name, token: &str| {
        headers.get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
        })
    };
    let upgrade =
        has_token(header::CONNECTION, "upgrade") && has_token(header::UPGRADE, "websocket");
    let version = headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_some_and(|v| v == "13");
    (upgrade && version)
        .then(|| headers.get(header::SEC_WEBSOCKET_KEY))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(origin: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers
    }

    #[test]
    fn pages_from_the_same_host_name_may_connect_on_any_port() {
        assert!(origin_allowed(
            &headers(Some("http://play.example.com"), "play.example.com"),
            &[]
        ));
        assert!(origin_allowed(
            &headers(Some("http://127.0.0.1:8081"), "127.0.0.1:8080"),
            &[]
        ));
        assert!(origin_allowed(
            &headers(Some("https://[::1]:8443"), "[::1]:8080"),
            &[]
        ));
    }

    #[test]
    fn other_origins_need_to_be_listed() {
        let evil = headers(Some("https://evil.example"), "play.example.com");
        assert!(!origin_allowed(&evil, &[]));
        assert!(origin_allowed(&evil, &["https://evil.example/".into()]));
        assert!(origin_allowed(&evil, &["*".into()]));
        assert!(!origin_allowed(
            &headers(Some("null"), "play.example.com"),
            &[]
        ));
    }

    #[test]
    fn native_clients_without_an_origin_may_connect() {
        assert!(origin_allowed(&headers(None, "play.example.com"), &[]));
    }
}
