//! A TCP relay between a client under test and the server: the hospital Wi-Fi, which a test can
//! cut, hold shut, point at a restarted server, or freeze.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// The hospital Wi-Fi between a client and the server, as a test sees it: a TCP relay the test
/// can cut, hold shut, point at a restarted server, or freeze.
pub struct Relay {
    addr: SocketAddr,
    control: watch::Sender<Line>,
    requests: Arc<Mutex<Vec<String>>>,
    open: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

#[derive(Debug, Clone, Copy)]
struct Line {
    upstream: SocketAddr,
    accepting: bool,
    /// Bumped to cut, or to freeze, the connections open at the time.
    cuts: u64,
    freezes: u64,
}

impl Relay {
    pub async fn start(upstream: SocketAddr) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("its address");
        let (control, line) = watch::channel(Line {
            upstream,
            accepting: true,
            cuts: 0,
            freezes: 0,
        });
        let requests = Arc::new(Mutex::new(Vec::new()));
        let open = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(relay(listener, line, requests.clone(), open.clone()));
        Relay {
            addr,
            control,
            requests,
            open,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Drops every connection without a goodbye and refuses new ones.
    pub fn cut(&self) {
        self.control.send_modify(|line| {
            line.accepting = false;
            line.cuts += 1;
        });
    }

    /// Refuses new connections; those open carry on.
    pub fn hold_shut(&self) {
        self.control.send_modify(|line| line.accepting = false);
    }

    /// Lets connections through again, to `upstream`.
    pub fn reopen(&self, upstream: SocketAddr) {
        self.control.send_modify(|line| {
            line.accepting = true;
            line.upstream = upstream;
        });
    }

    /// Open connections stop carrying anything but stay open; new ones pass.
    pub fn freeze(&self) {
        self.control.send_modify(|line| line.freezes += 1);
    }

    /// The first line of each request let through, such as `GET /api/v1/events?since=4 …`.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn open_connections(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn relay(
    listener: TcpListener,
    line: watch::Receiver<Line>,
    requests: Arc<Mutex<Vec<String>>>,
    open: Arc<AtomicUsize>,
) {
    // Owned here so that aborting the relay aborts every connection with it.
    let mut connections = JoinSet::new();
    loop {
        let Ok((inbound, _)) = listener.accept().await else {
            continue;
        };
        let now = *line.borrow();
        if now.accepting {
            connections.spawn(carry(
                inbound,
                now,
                line.clone(),
                requests.clone(),
                open.clone(),
            ));
        }
        while connections.try_join_next().is_some() {}
    }
}

/// Counts a connection as open for as long as it lives.
struct OpenConnection(Arc<AtomicUsize>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn carry(
    mut inbound: TcpStream,
    at_start: Line,
    mut line: watch::Receiver<Line>,
    requests: Arc<Mutex<Vec<String>>>,
    open: Arc<AtomicUsize>,
) {
    let Ok(mut outbound) = TcpStream::connect(at_start.upstream).await else {
        return;
    };
    open.fetch_add(1, Ordering::SeqCst);
    let _open = OpenConnection(open);
    let mut head = [0u8; 512];
    if let Ok(n) = inbound.peek(&mut head).await {
        let text = String::from_utf8_lossy(&head[..n]);
        let first = text.lines().next().unwrap_or_default().to_owned();
        requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(first);
    }
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => return,
        _ = line.wait_for(|l| l.cuts != at_start.cuts || l.freezes != at_start.freezes) => {}
    }
    // Frozen: hold both ends open and silent until cut.
    let _ = line.wait_for(|l| l.cuts != at_start.cuts).await;
}
