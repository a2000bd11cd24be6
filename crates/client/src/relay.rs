//! A conditioned TCP relay: accepts connections on a loopback port and forwards each to the
//! server, holding the bytes in each direction as a [`LinkProfile`] says. Bots and tests
//! connect through it to play over a slow, jittery or stalling link with the real sockets,
//! the real WebSocket stack and the real codec.

use std::{
    io,
    net::SocketAddr,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
};

use bytes::Bytes;
use tickwire::link::{Conditioner, LinkProfile};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{
        TcpListener, TcpStream,
        tcp::{OwnedReadHalf, OwnedWriteHalf},
    },
    sync::mpsc,
    task::JoinHandle,
    time::{Instant, sleep_until},
};

/// Chunks in flight per direction of one connection; a reader waits when they are all
/// held back, as a real link's buffers fill.
const IN_FLIGHT: usize = 256;

/// The most bytes read at once.
const CHUNK: usize = 16 * 1024;

/// A running relay; it stops when dropped.
#[derive(Debug)]
pub struct Relay {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Relay {
    /// Relays from a new loopback port to `upstream`, delaying client-to-server bytes by
    /// `up` and server-to-client bytes by `down`.
    pub async fn start(
        upstream: SocketAddr,
        up: LinkProfile,
        down: LinkProfile,
        seed: u64,
    ) -> io::Result<Relay> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let epoch = Instant::now();
        let connections = AtomicU64::new(0);
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let n = connections.fetch_add(1, Relaxed);
                let seed = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = (client.set_nodelay(true), server.set_nodelay(true));
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    tokio::join!(
                        pump(client_read, server_write, Conditioner::new(up, seed), epoch),
                        pump(
                            server_read,
                            client_write,
                            Conditioner::new(down, !seed),
                            epoch
                        ),
                    );
                });
            }
        });
        Ok(Relay { addr, task })
    }

    /// Where to connect instead of the server.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Forwards one direction: a reader stamps each chunk with its delivery time, a writer
/// waits for that time and writes. End of stream is forwarded once everything before it is.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    mut link: Conditioner,
    epoch: Instant,
) {
    let (tx, mut rx) = mpsc::channel::<(Instant, Bytes)>(IN_FLIGHT);
    let reader = async move {
        let mut buf = vec![0u8; CHUNK];
        while let Ok(n @ 1..) = from.read(&mut buf).await {
            let now = epoch.elapsed().as_secs_f64() * 1000.0;
            let at = epoch + std::time::Duration::from_secs_f64(link.deliver_at(now) / 1000.0);
            if tx
                .send((at, Bytes::copy_from_slice(&buf[..n])))
                .await
                .is_err()
            {
                break;
            }
        }
    };
    let writer = async move {
        while let Some((at, bytes)) = rx.recv().await {
            sleep_until(at).await;
            if to.write_all(&bytes).await.is_err() {
                return;
            }
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}
