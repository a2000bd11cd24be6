//! A native client for any toolkit game over tokio-tungstenite: the transport of loadgen's
//! bots and of the socket tests. It speaks exactly the protocol the browser client speaks.

use std::marker::PhantomData;

use futures_util::{SinkExt, StreamExt};
use tickwire::{
    ClientMsg, DeltaError, DeltaOf, Hello, Join, Reconstructor, Rejection, ResumeToken, ServerMsg,
    TickState, Welcome, Wire, codec,
};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{
        self, Message,
        protocol::{CloseFrame, WebSocketConfig},
    },
};

/// Bytes read from the socket at once. Snapshots are a few KiB at most; tungstenite's
/// 128 KiB default would cost that much per bot when a load generator runs thousands.
const READ_BUFFER_BYTES: usize = 8 * 1024;

/// The socket type of a native client.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a client call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The transport failed or the handshake was refused.
    #[error("websocket: {0}")]
    WebSocket(#[from] tungstenite::Error),
    /// The server refused the hello.
    #[error("rejected: {0:?}")]
    Rejected(Rejection),
    /// The server closed the connection.
    #[error("closed by server: {code} {reason}")]
    Closed {
        /// The close code, 1005 if none was sent.
        code: u16,
        /// The close reason.
        reason: String,
    },
    /// The server sent something that is not a valid message.
    #[error(transparent)]
    Codec(#[from] codec::CodecError),
    /// A valid message that does not fit the protocol state, such as a second welcome.
    #[error("unexpected message: {0}")]
    Unexpected(&'static str),
    /// A delta snapshot did not apply to its baseline.
    #[error(transparent)]
    Delta(#[from] DeltaError),
}

/// How a client behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Acknowledge every reconstructed snapshot, so the server sends deltas. Without acks
    /// the server sends every snapshot whole, which is useful for comparisons.
    pub ack: bool,
    /// Where to join.
    pub join: Join,
    /// A token from an earlier welcome, to reclaim that seat.
    pub resume: Option<ResumeToken>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ack: true,
            join: Join::Quick,
            resume: None,
        }
    }
}

/// One connected, welcomed player of game `G`.
#[derive(Debug)]
pub struct Client<G: Wire> {
    ws: Socket,
    welcome: Welcome,
    options: Options,
    states: Reconstructor<G>,
    next_seq: u32,
    bytes_sent: u64,
    bytes_received: u64,
    game: PhantomData<G>,
}

impl<G: Wire> Client<G> {
    /// Connects to `url`, says hello as `name` and waits for the welcome.
    pub async fn connect(url: &str, name: &str) -> Result<Self, ClientError> {
        Self::connect_with(url, name, Options::default()).await
    }

    /// [`connect`](Self::connect) with `options`.
    pub async fn connect_with(
        url: &str,
        name: &str,
        options: Options,
    ) -> Result<Self, ClientError> {
        let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
        let (ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
        let mut client = Client {
            ws,
            // Replaced by the server's welcome before the client is handed out.
            welcome: Welcome {
                role: tickwire::Role::Spectator,
                room: tickwire::RoomId(0),
                code: String::new(),
                private: false,
                tick_rate: 0,
                resume: None,
                resumed: false,
            },
            options,
            states: Reconstructor::default(),
            next_seq: 1,
            bytes_sent: 0,
            bytes_received: 0,
            game: PhantomData,
        };
        let join = client.options.join.clone();
        let hello =
            ClientMsg::<G::Input>::Hello(Hello::new::<G>(name, join, client.options.resume));
        client.send(&hello).await?;
        match client.recv().await? {
            ServerMsg::Welcome(welcome) => client.welcome = welcome,
            ServerMsg::Reject(rejection) => return Err(ClientError::Rejected(rejection)),
            ServerMsg::Snapshot(_) | ServerMsg::Pong { .. } => {
                return Err(ClientError::Unexpected("snapshot or pong before welcome"));
            }
        }
        Ok(client)
    }

    /// What the server said when it let us in.
    pub fn welcome(&self) -> &Welcome {
        &self.welcome
    }

    /// Sends one input and returns its sequence number.
    pub async fn send_input(&mut self, input: G::Input) -> Result<u32, ClientError> {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.send(&ClientMsg::Input { seq, input }).await?;
        Ok(seq)
    }

    /// Waits for the next snapshot, skipping pongs, and returns the whole state it
    /// describes; acknowledges it unless the options say not to.
    pub async fn next_snapshot(&mut self) -> Result<TickState<G::Snapshot>, ClientError> {
        loop {
            match self.recv().await? {
                ServerMsg::Snapshot(snapshot) => {
                    let state = self.states.receive(snapshot)?;
                    if self.options.ack {
                        self.send(&ClientMsg::Ack { tick: state.tick }).await?;
                    }
                    return Ok(state);
                }
                ServerMsg::Pong { .. } => {}
                ServerMsg::Reject(rejection) => return Err(ClientError::Rejected(rejection)),
                ServerMsg::Welcome(_) => return Err(ClientError::Unexpected("second welcome")),
            }
        }
    }

    /// Sends a protocol-level ping and waits for its pong, skipping snapshots; returns the
    /// server's clock from the pong.
    pub async fn ping(&mut self, sent_ms: u32) -> Result<u64, ClientError> {
        self.send(&ClientMsg::Ping { sent_ms }).await?;
        loop {
            match self.recv().await? {
                ServerMsg::Pong {
                    sent_ms: echoed,
                    server_ms,
                } if echoed == sent_ms => return Ok(server_ms),
                ServerMsg::Pong { .. } | ServerMsg::Snapshot(_) => {}
                ServerMsg::Reject(rejection) => return Err(ClientError::Rejected(rejection)),
                ServerMsg::Welcome(_) => return Err(ClientError::Unexpected("second welcome")),
            }
        }
    }

    /// Says goodbye and waits for the server's close.
    pub async fn leave(mut self) -> Result<(), ClientError> {
        self.send(&ClientMsg::<G::Input>::Leave).await?;
        loop {
            match self.recv().await {
                Err(ClientError::Closed { .. }) => return Ok(()),
                Err(e) => return Err(e),
                Ok(_) => {}
            }
        }
    }

    /// WebSocket payload bytes sent so far.
    pub fn bytes_sent(&self) -> u64 {
        self.bytes_sent
    }

    /// WebSocket payload bytes received so far.
    pub fn bytes_received(&self) -> u64 {
        self.bytes_received
    }

    /// The underlying socket, for tests that misbehave on purpose.
    pub fn socket(&mut self) -> &mut Socket {
        &mut self.ws
    }

    async fn send(&mut self, msg: &ClientMsg<G::Input>) -> Result<(), ClientError> {
        let bytes = codec::encode(msg)?;
        self.bytes_sent += bytes.len() as u64;
        self.ws.send(Message::Binary(bytes.into())).await?;
        Ok(())
    }

    async fn recv(&mut self) -> Result<ServerMsg<G::Snapshot, DeltaOf<G>>, ClientError> {
        loop {
            match self.ws.next().await {
                Some(Ok(Message::Binary(bytes))) => {
                    self.bytes_received += bytes.len() as u64;
                    return Ok(codec::decode_server(&bytes)?);
                }
                Some(Ok(Message::Close(frame))) => return Err(closed(frame)),
                Some(Ok(Message::Text(_))) => return Err(ClientError::Unexpected("text frame")),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => return Err(closed(None)),
            }
        }
    }
}

fn closed(frame: Option<CloseFrame>) -> ClientError {
    match frame {
        Some(frame) => ClientError::Closed {
            code: frame.code.into(),
            reason: frame.reason.to_string(),
        },
        None => ClientError::Closed {
            code: 1005,
            reason: String::new(),
        },
    }
}
