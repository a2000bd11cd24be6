//! A WebSocket echo endpoint on the server's production WebSocket stack, for conformance
//! testing only (Autobahn cases through `kosoku`, `scripts/conformance`): no game runs here.
//!
//! What it shares with the game's `/ws`: the [`WebSocketConfig`] ([`websocket_config`], the
//! one function that builds it from a [`Config`]), and the upgrade path: hyper HTTP/1 with
//! the same header-read timeout, an RFC 6455 upgrade answered on hyper, the upgraded socket
//! handed to tokio-tungstenite. What it does not: sessions, rooms, rate limits, pings and
//! idle timeouts. Every text and binary message comes back as it came, control frames are
//! tungstenite's to answer, and any error drops the connection, as the game's session does.

use std::{future::Future, sync::Arc};

use axum::{
    Router,
    extract::Request,
    response::{IntoResponse as _, Response},
    routing::get,
};
use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::TcpListener,
};
use tokio_tungstenite::{
    WebSocketStream,
    tungstenite::{
        self, Message,
        protocol::{
            WebSocketConfig,
            frame::{
                Frame,
                coding::{Data, OpCode},
            },
        },
    },
};
use tokio_util::{sync::CancellationToken, task::TaskTracker};

use crate::{Config, http::Upgrade, websocket_config};

/// Echoes WebSocket messages on `listener`, with `config`'s WebSocket settings and handshake
/// timeout, until `shutdown` completes; then closes every connection, waiting at most
/// `shutdown_timeout`. Any path upgrades.
pub async fn serve(listener: TcpListener, config: Config, shutdown: impl Future<Output = ()>) {
    let echo = Arc::new(Echo {
        websocket: websocket_config(&config),
        tasks: TaskTracker::new(),
        stop: CancellationToken::new(),
    });
    let router = Router::new()
        .fallback(get(upgrade))
        .with_state(echo.clone());
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = crate::accept(&listener) => accepted,
        };
        tracing::debug!(%peer, "echo connection");
        let (router, stop) = (router.clone(), echo.stop.clone());
        let handshake_timeout = config.handshake_timeout;
        echo.tasks.spawn(async move {
            let _ = stream.set_nodelay(true);
            let _ = crate::http::serve_http1(stream, router, handshake_timeout, &stop).await;
        });
    }
    echo.stop.cancel();
    echo.tasks.close();
    let _ = tokio::time::timeout(config.shutdown_timeout, echo.tasks.wait()).await;
}

/// What every echo connection shares.
#[derive(Debug)]
struct Echo {
    websocket: WebSocketConfig,
    tasks: TaskTracker,
    stop: CancellationToken,
}

/// Answers an upgrade request with 101 and echoes on the upgraded connection.
async fn upgrade(
    axum::extract::State(echo): axum::extract::State<Arc<Echo>>,
    mut request: Request,
) -> Response {
    let upgrade = match Upgrade::take(&mut request) {
        Ok(upgrade) => upgrade,
        Err(refusal) => return refusal.into_response(),
    };
    let response = upgrade.response();
    let config = echo.websocket;
    let stop = echo.stop.clone();
    echo.tasks.spawn(async move {
        match upgrade.websocket(config).await {
            Ok(ws) => {
                tokio::select! {
                    () = echo_messages(ws, &config) => {}
                    () = stop.cancelled() => {}
                }
            }
            Err(e) => tracing::debug!(error = %e, "upgrade failed"),
        }
    });
    response
}

/// Sends every text and binary message back until the peer closes or breaks the protocol.
async fn echo_messages<S: AsyncRead + AsyncWrite + Unpin>(
    mut ws: WebSocketStream<S>,
    config: &WebSocketConfig,
) {
    // The write buffer refuses a frame that would take it past `max_write_buffer_size`, and
    // holds up to `write_buffer_size` before writing; fragments of half the difference
    // always fit, so a message of any accepted size goes back within the production limits.
    let fragment = (config
        .max_write_buffer_size
        .saturating_sub(config.write_buffer_size)
        / 2)
    .max(1);
    while let Some(message) = ws.next().await {
        let sent = match message {
            Ok(Message::Text(text)) => send(&mut ws, Data::Text, text.into(), fragment).await,
            Ok(Message::Binary(data)) => send(&mut ws, Data::Binary, data, fragment).await,
            // Pings are answered and closes completed inside tungstenite.
            Ok(Message::Ping(_) | Message::Pong(_) | Message::Close(_) | Message::Frame(_)) => {
                Ok(())
            }
            Err(e) => Err(e),
        };
        if let Err(e) = sent {
            tracing::debug!(error = %e, "echo connection ended");
            break;
        }
    }
}

/// One message as frames of at most `fragment` payload bytes: a data frame, then
/// continuation frames, the last marked final.
async fn send<S: AsyncRead + AsyncWrite + Unpin>(
    ws: &mut WebSocketStream<S>,
    kind: Data,
    payload: Bytes,
    fragment: usize,
) -> Result<(), tungstenite::Error> {
    let mut start = 0;
    loop {
        let end = payload.len().min(start + fragment);
        let opcode = OpCode::Data(if start == 0 { kind } else { Data::Continue });
        let last = end == payload.len();
        let frame = Frame::message(payload.slice(start..end), opcode, last);
        ws.feed(Message::Frame(frame)).await?;
        if last {
            return ws.flush().await;
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use tokio_tungstenite::tungstenite::protocol::{CloseFrame, frame::coding::CloseCode};

    use super::*;

    async fn echo_server(config: Config) -> (String, tokio::sync::oneshot::Sender<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}/", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel();
        tokio::spawn(serve(listener, config, async {
            let _ = stopped.await;
        }));
        (url, stop)
    }

    #[test]
    fn the_websocket_config_is_the_production_one_with_the_configured_message_size() {
        let config = crate::websocket_config(&Config {
            max_message_bytes: 4_000,
            ..Config::default()
        });
        assert_eq!(config.max_message_size, Some(4_000));
        assert_eq!(config.max_frame_size, Some(4_000));
        assert_eq!(config.read_buffer_size, crate::READ_BUFFER_BYTES);
        assert_eq!(config.write_buffer_size, crate::WRITE_BUFFER_BYTES);
        assert_eq!(config.max_write_buffer_size, crate::MAX_WRITE_BUFFER_BYTES);
    }

    #[tokio::test]
    async fn messages_larger_than_the_write_buffer_come_back_whole() {
        let (url, _stop) = echo_server(Config {
            max_message_bytes: 4 * crate::MAX_WRITE_BUFFER_BYTES,
            ..Config::default()
        })
        .await;
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .unwrap();
        let big: Vec<u8> = (0..3 * crate::MAX_WRITE_BUFFER_BYTES)
            .map(|i| (i % 251) as u8)
            .collect();
        let text = "ünïcode ".repeat(40_000);
        for message in [
            Message::Binary(big.into()),
            Message::Text(text.into()),
            Message::Binary(Bytes::new()),
        ] {
            ws.send(message.clone()).await.unwrap();
            assert_eq!(ws.next().await.unwrap().unwrap(), message);
        }
    }

    #[tokio::test]
    async fn a_message_over_the_configured_size_ends_the_connection() {
        let (url, _stop) = echo_server(Config::default()).await;
        let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
            .await
            .unwrap();
        ws.send(Message::Binary(vec![1; 1_024].into()))
            .await
            .unwrap();
        assert_eq!(ws.next().await.unwrap().unwrap().len(), 1_024);
        let _ = ws.send(Message::Binary(vec![1; 1_025].into())).await;
        // Tungstenite answers with a 1009 close frame, unless the socket closes under it
        // first; the message never comes back.
        match ws.next().await {
            Some(Ok(Message::Close(Some(CloseFrame { code, .. })))) => {
                assert_eq!(code, CloseCode::Size);
            }
            Some(Ok(other)) => panic!("expected the connection to end, got {other:?}"),
            Some(Err(_)) | None => {}
        }
    }
}
