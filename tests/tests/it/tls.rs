//! The server speaking `https` and `wss` itself, with a certificate made for the test.

use std::{sync::Arc, time::Duration};

use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::ServerName;
use snake::{Snake, SnakeDelta, SnakeInput, SnakeState};
use tests::{TestServer, within};
use tickwire::{ClientMsg, Hello, Join, ServerMsg, codec};
use tokio::{io::AsyncWriteExt, net::TcpStream};
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::Message;

/// A self-signed certificate for `localhost`, written to a fresh folder.
struct Cert {
    dir: std::path::PathBuf,
    der: rustls::pki_types::CertificateDer<'static>,
}

impl Cert {
    fn new() -> Cert {
        let key = rcgen::KeyPair::generate().expect("a key");
        let params = rcgen::CertificateParams::new(vec!["localhost".into()]).expect("params");
        let cert = params.self_signed(&key).expect("a certificate");
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("netcode-tls-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("cert.pem"), cert.pem()).unwrap();
        std::fs::write(dir.join("key.pem"), key.serialize_pem()).unwrap();
        Cert {
            der: cert.der().clone(),
            dir,
        }
    }
}

impl Drop for Cert {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn connector(cert: &Cert) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.der.clone()).expect("a trusted root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

#[tokio::test]
async fn with_a_certificate_the_server_speaks_wss_itself() {
    let cert = Cert::new();
    let config = tickwire_server::Config {
        tls_cert: Some(cert.dir.join("cert.pem")),
        tls_key: Some(cert.dir.join("key.pem")),
        handshake_timeout: Duration::from_secs(1),
        ..tickwire_server::Config::default().in_memory()
    };
    let server = TestServer::start(Snake::default(), config).await;

    let tcp = TcpStream::connect(server.addr()).await.unwrap();
    let name = ServerName::try_from("localhost").unwrap();
    let tls = within(connector(&cert).connect(name, tcp))
        .await
        .expect("tls handshake");
    let url = format!("wss://localhost:{}/ws", server.addr().port());
    let (mut ws, _) = within(tokio_tungstenite::client_async(url, tls))
        .await
        .expect("websocket over tls");
    let hello = ClientMsg::<SnakeInput>::Hello(Hello::new::<Snake>("secure", Join::Quick, None));
    ws.send(Message::Binary(codec::encode(&hello).unwrap().into()))
        .await
        .unwrap();
    let welcome = match within(ws.next()).await {
        Some(Ok(Message::Binary(bytes))) => {
            codec::decode_server::<SnakeState, SnakeDelta>(&bytes).unwrap()
        }
        other => panic!("expected a welcome, got {other:?}"),
    };
    assert!(matches!(welcome, ServerMsg::Welcome(_)), "{welcome:?}");
}

#[tokio::test]
async fn plain_http_to_a_tls_port_gets_nothing() {
    let cert = Cert::new();
    let config = tickwire_server::Config {
        tls_cert: Some(cert.dir.join("cert.pem")),
        tls_key: Some(cert.dir.join("key.pem")),
        handshake_timeout: Duration::from_secs(1),
        ..tickwire_server::Config::default().in_memory()
    };
    let server = TestServer::start(Snake::default(), config).await;
    let mut tcp = TcpStream::connect(server.addr()).await.unwrap();
    tcp.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut reply = Vec::new();
    let _ = within(tokio::io::AsyncReadExt::read_to_end(&mut tcp, &mut reply)).await;
    assert!(
        !String::from_utf8_lossy(&reply).contains("200 OK"),
        "no plain HTTP on a TLS port"
    );
}

#[test]
fn a_certificate_without_a_key_is_refused_at_start() {
    let config = tickwire_server::Config {
        tls_cert: Some("cert.pem".into()),
        ..tickwire_server::Config::default().in_memory()
    };
    assert_eq!(config.validate().unwrap_err().field, "tls_cert");
}
