//! The HTTP side of the single port: the built client at `/`, the WebSocket upgrade at
//! `/ws`, and `/healthz`, `/metrics` and `/api/rooms` for hosts.
//!
//! The upgrade is done here on top of hyper rather than through a framework's WebSocket
//! wrapper, so the session works on tokio-tungstenite directly and sees every protocol error
//! (oversized frames, text frames, bad opcodes) with its precise cause.

use std::sync::Arc;

use axum::{
    Json, Router,
    body::Body,
    extract::{Query, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use netcode::Game;
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{handshake::derive_accept_key, protocol::Role},
};
use tower_http::services::ServeDir;

use crate::{ConnectionPermit, Shared, session};

/// Every route of the server.
pub(crate) fn router<G: Game>(shared: Arc<Shared<G>>) -> Router {
    let client = ServeDir::new(&shared.config.www)
        .append_index_html_on_directories(true)
        .fallback(get(client_missing));
    Router::new()
        .route("/ws", get(upgrade::<G>))
        .route("/healthz", get(healthz::<G>))
        .route("/metrics", get(metrics::<G>))
        .route("/api/rooms", get(rooms::<G>))
        .route("/api/leaderboard", get(leaderboard::<G>))
        .route("/api/rounds", get(rounds::<G>))
        .fallback_service(client)
        .with_state(shared)
}

async fn metrics<G: Game>(State(shared): State<Arc<Shared<G>>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        shared.metrics.render(),
    )
}

async fn rooms<G: Game>(State(shared): State<Arc<Shared<G>>>) -> impl IntoResponse {
    let rooms = shared.lobby.borrow().to_vec();
    Json(rooms)
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

/// `?limit=N` for the listings, 1 to 100.
#[derive(Debug, serde::Deserialize)]
struct Limit {
    limit: Option<usize>,
}

impl Limit {
    fn get(&self, default: usize) -> usize {
        self.limit.unwrap_or(default).clamp(1, 100)
    }
}

async fn leaderboard<G: Game>(
    State(shared): State<Arc<Shared<G>>>,
    Query(limit): Query<Limit>,
) -> Response {
    match shared.store.leaderboard(limit.get(20)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
    }
}

async fn rounds<G: Game>(
    State(shared): State<Arc<Shared<G>>>,
    Query(limit): Query<Limit>,
) -> Response {
    match shared.store.rounds(limit.get(10)).await {
        Ok(rows) => Json(rows).into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("{e}\n")).into_response(),
    }
}

async fn client_missing() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Html(
            "<!doctype html><title>client not built</title>\
             <p>The browser client has not been built into this server's <code>--www</code> \
             directory. Run the README's play command, which builds it.</p>",
        ),
    )
}

/// Answers a WebSocket upgrade request with 101 and hands the upgraded connection to a
/// session task.
async fn upgrade<G: Game>(State(shared): State<Arc<Shared<G>>>, mut request: Request) -> Response {
    let Some(accept) =
        websocket_key(request.headers()).map(|key| derive_accept_key(key.as_bytes()))
    else {
        return (
            StatusCode::UPGRADE_REQUIRED,
            [(header::UPGRADE, "websocket")],
            "expected a WebSocket upgrade\n",
        )
            .into_response();
    };
    if !origin_allowed(request.headers(), &shared.config.allowed_origins) {
        shared
            .metrics
            .connections_refused
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return (StatusCode::FORBIDDEN, "origin not allowed\n").into_response();
    }
    if shared.stop.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "server shutting down\n").into_response();
    }
    let Some(on_upgrade) = request.extensions_mut().remove::<OnUpgrade>() else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "connection cannot be upgraded\n",
        )
            .into_response();
    };
    let permit = request.extensions_mut().remove::<ConnectionPermit>();
    let config = shared.websocket_config;
    let tasks = shared.tasks.clone();
    tasks.spawn(async move {
        let _permit = permit;
        match on_upgrade.await {
            Ok(upgraded) => {
                let ws = WebSocketStream::from_raw_socket(
                    TokioIo::new(upgraded),
                    Role::Server,
                    Some(config),
                )
                .await;
                session::serve(ws, &shared).await;
            }
            Err(e) => tracing::debug!(error = %e, "upgrade failed"),
        }
    });
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
    headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    if let Ok(accept) = HeaderValue::from_str(&accept) {
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, accept);
    }
    response
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
