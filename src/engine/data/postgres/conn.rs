//! A pull's connection: tokio-postgres on a runtime of its own, driven by one `block_on` per step (the blocking client enters its runtime once per row of a COPY, which cost more than the rows).

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::runtime::Runtime;
use tokio::task::JoinHandle;
use tokio_postgres::{CancelToken, Client, NoTls};

use super::client::{config, connect_failed, db, server_error, watch};
use super::source::{SslMode, Url};
use super::tls;
use crate::engine::data::progress::Progress;
use crate::engine::error::{EngineError, Result};

/// A connection; dropped, it is cut (a COPY still coming is not read to its end); closed
/// ([`Conn::close`]), it says goodbye to the server first.
pub(super) struct Conn {
    rt: Runtime,
    pub client: Client,
    /// The task driving the connection: it ends once the client is gone and the goodbye sent.
    driver: JoinHandle<()>,
    /// A COPY was left while the server still sent it: the connection can only be cut.
    pub cut: Cell<bool>,
}

impl Conn {
    /// A connection as the url's sslmode asks; a failure says whether the server answered (it
    /// refused the password, say) or could not be reached.
    pub fn open(url: &Url, pw: Option<String>) -> std::result::Result<Conn, (EngineError, bool)> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| (db(url, format!("cannot start a connection: {e}")), false))?;
        let cfg = config(url, pw);
        let r = match url.ssl {
            SslMode::Disable => rt
                .block_on(cfg.connect(NoTls))
                .map(|(c, conn)| (c, rt.spawn(async move { drop(conn.await) }))),
            _ => {
                let tls = tls::connector(url).map_err(|m| (db(url, m), true))?;
                rt.block_on(cfg.connect(tls))
                    .map(|(c, conn)| (c, rt.spawn(async move { drop(conn.await) })))
            }
        };
        let (client, driver) = r.map_err(|e| connect_failed(url, &e))?;
        Ok(Conn {
            rt,
            client,
            driver,
            cut: Cell::new(false),
        })
    }

    /// Say goodbye to the server (a `Terminate`, so that it logs no lost client) and close;
    /// cut it if a COPY was left half read (a goodbye would first read the rest).
    pub fn close(self) {
        let Conn {
            rt,
            client,
            driver,
            cut,
        } = self;
        if cut.get() {
            return;
        }
        drop(client);
        let _ = rt.block_on(async { tokio::time::timeout(Duration::from_secs(2), driver).await });
    }

    /// Drive `f` (a query on [`Conn::client`]) to its end.
    pub fn run<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// Run `f` while a watcher cancels this connection's query on the server as soon as `p` is
    /// cancelled (Ctrl-C, Esc) or `stop` is set (another part of the same pull failed).
    pub fn watched<T>(
        &self,
        url: &Url,
        (p, stop): (&Progress, &AtomicBool),
        f: impl FnOnce(&Conn) -> T,
    ) -> T {
        let token = self.client.cancel_token();
        watch(
            || p.should_stop() || stop.load(Ordering::Relaxed),
            || cancel(&token, url),
            || f(self),
        )
    }
}

/// Ask the server to cancel the query running under `token` (a failure to ask changes
/// nothing: the pull then ends as the server ends it).
fn cancel(token: &CancelToken, url: &Url) {
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    let _ = match url.ssl {
        SslMode::Disable => rt.block_on(token.cancel_query(NoTls)),
        _ => match tls::connector(url) {
            Ok(t) => rt.block_on(token.cancel_query(t)),
            Err(_) => return,
        },
    };
}

/// Run `sql` (statements without results), quoting the server's message as `doing` fails.
pub(super) fn execute(conn: &Conn, url: &Url, sql: &str, doing: &str) -> Result<()> {
    conn.run(conn.client.batch_execute(sql))
        .map_err(|e| server_error(url, &e, doing))
}
